import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { IsNull, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { SecretBox } from '../../platform/crypto/secret-box';
import { StartupError } from '../../platform/errors';
import { advisoryKey } from '../../platform/jobs/exclusive-job.runner';
import { OidcSigningKey } from './entities/oidc-signing-key.entity';

export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA';
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'EdDSA'];

/** How long a new key is published before it signs: longer than instances' refresh and relying parties' JWKS caches. */
export const KEY_PUBLICATION_DELAY_S = 10 * 60;
/** How long a retired key stays published: longer than anything it signed lives (ID and access tokens: 1 hour). */
export const KEY_RETENTION_S = 24 * 60 * 60;

/** The advisory lock taken while keys are created or rotated (a fixed 64-bit key). */
const SIGNING_KEYS_LOCK = advisoryKey('oidc-signing-keys');

export interface ProviderKeys {
  /** Private JWKs in the order the provider must see them: signing keys first. */
  keys: JWK[];
  /** Changes whenever the set or the order changes: the provider is rebuilt then. */
  fingerprint: string;
}

/** The provider's signing keys, stored encrypted in the database (one RS256, ES256 and EdDSA key each). */
@Injectable()
export class SigningKeyStore {
  private readonly box: SecretBox;

  constructor(
    @InjectRepository(OidcSigningKey) private readonly keys: Repository<OidcSigningKey>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = new SecretBox(config.secretKey, 'oidc-signing-keys');
  }

  /**
   * Generates the keys missing for an algorithm (first start), active at once. Two instances starting together on an
   * empty database would each create a set: the transaction's advisory lock makes the second wait, then find the
   * first one's keys.
   */
  async ensureKeys(now = new Date()): Promise<void> {
    await this.keys.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEYS_LOCK]);
      for (const alg of SIGNING_ALGS) {
        if (!(await manager.existsBy(OidcSigningKey, { alg, retiredAt: IsNull() })))
          await manager.save(await this.generate(alg, now));
      }
    });
  }

  /**
   * Adds a new key per algorithm, published now, signing after `delayS`; the keys it replaces retire at that moment
   * (they keep verifying until `KEY_RETENTION_S` after).
   */
  async rotate(delayS = KEY_PUBLICATION_DELAY_S, now = new Date()): Promise<OidcSigningKey[]> {
    const activatesAt = new Date(now.getTime() + delayS * 1000);
    const created: OidcSigningKey[] = [];
    await this.keys.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEYS_LOCK]);
      for (const alg of SIGNING_ALGS) {
        await manager.update(OidcSigningKey, { alg, retiredAt: IsNull() }, { retiredAt: activatesAt });
        created.push(await manager.save(await this.generate(alg, activatesAt)));
      }
    });
    return created;
  }

  async list(): Promise<OidcSigningKey[]> {
    return this.keys.find({ order: { createdAt: 'DESC' } });
  }

  /** The keys to give the provider at `now`. */
  async providerKeys(now = new Date()): Promise<ProviderKeys> {
    const all = await this.keys.find({ order: { activatesAt: 'DESC' } });
    const published = all.filter((k) => !k.retiredAt || k.retiredAt.getTime() + KEY_RETENTION_S * 1000 > now.getTime());
    const signing = (k: OidcSigningKey) => k.activatesAt <= now && (!k.retiredAt || k.retiredAt > now);
    // Per algorithm, the provider signs with the first key it finds: the current signing keys come first.
    const ordered = [...published.filter(signing), ...published.filter((k) => !signing(k))];
    return {
      keys: ordered.map((k) => ({
        ...this.openKey(k),
        kid: k.kid,
        alg: k.alg,
        use: 'sig',
      })),
      fingerprint: ordered.map((k) => `${k.kid}:${signing(k) ? 's' : 'v'}`).join(','),
    };
  }

  private openKey(key: OidcSigningKey): JWK {
    try {
      return JSON.parse(this.box.open(key.privateJwkSealed)) as JWK;
    } catch (error) {
      throw new StartupError(
        `La clé de signature ${key.kid} ne peut pas être déchiffrée avec SECRET_KEY : SECRET_KEY a-t-elle changé depuis ` +
          'sa création ? Remettez l’ancienne valeur (les clés et les secrets des clients en dépendent).',
        { cause: error },
      );
    }
  }

  private async generate(alg: SigningAlg, activatesAt: Date): Promise<OidcSigningKey> {
    const { privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    });
    const jwk = await exportJWK(privateKey);
    return this.keys.create({
      kid: randomUUID(),
      alg,
      privateJwkSealed: this.box.seal(JSON.stringify(jwk)),
      activatesAt,
      retiredAt: null,
    });
  }
}
