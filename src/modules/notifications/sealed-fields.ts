import { SecretBox } from '../../platform/crypto/secret-box';

/** Where a message's sealed fields sit in the outbox row's `data` (no template has a field of that name). */
export const SEALED_KEY = '_sealed';

/**
 * Fields of a message that are secrets (a subscription's access-codes password): the outbox row keeps them sealed
 * (AES-256-GCM under a key derived from `SECRET_KEY` for this purpose only) until the worker renders the message, and
 * the worker erases them once the message is delivered. Neither the database nor its backups hold them in clear.
 */
export class SealedFields {
  private readonly box: SecretBox;

  constructor(secretKey: string) {
    this.box = new SecretBox(secretKey, 'outbox-fields');
  }

  /** `data` without `fields`, which go sealed together under `SEALED_KEY`. */
  seal(data: object, fields: readonly string[]): Record<string, unknown> {
    const stored: Record<string, unknown> = { ...data };
    if (fields.length === 0) return stored;
    const secret: Record<string, unknown> = {};
    for (const field of fields) {
      secret[field] = stored[field];
      delete stored[field];
    }
    stored[SEALED_KEY] = this.box.seal(JSON.stringify(secret));
    return stored;
  }

  /** The data to render: the sealed fields back in place. Throws when they cannot be opened (another `SECRET_KEY`). */
  open(stored: Record<string, unknown>): Record<string, unknown> {
    const { [SEALED_KEY]: sealed, ...data } = stored;
    if (typeof sealed !== 'string') return data;
    return { ...data, ...(JSON.parse(this.box.open(sealed)) as Record<string, unknown>) };
  }
}
