import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets stored in the database (client secrets, private signing keys) with AES-256-GCM, under a key derived
 * from `SECRET_KEY` for one purpose only (HKDF-SHA256, `info` = purpose). Output: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretKey: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, 'plateforme-identite', `secret-box:${purpose}`, 32));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('Secret chiffré illisible');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A short-lived sealed value (a cookie, a form ticket): the value as JSON, with its expiry. */
  sealTicket(value: object, lifetimeMs: number): string {
    return this.seal(JSON.stringify({ ...value, exp: Date.now() + lifetimeMs }));
  }

  /** The value of a ticket, or `undefined` when it is unreadable, forged or expired. */
  openTicket<T extends object>(sealed: string | undefined): T | undefined {
    if (!sealed) return undefined;
    try {
      const value = JSON.parse(this.open(sealed)) as T & { exp?: unknown };
      return typeof value.exp === 'number' && value.exp > Date.now() ? value : undefined;
    } catch {
      return undefined;
    }
  }
}

/** A key derived from `SECRET_KEY` for one purpose (cookie signing, ...), as base64url. */
export function deriveKey(secretKey: string, purpose: string): string {
  return Buffer.from(hkdfSync('sha256', secretKey, 'plateforme-identite', `derived:${purpose}`, 32)).toString(
    'base64url',
  );
}
