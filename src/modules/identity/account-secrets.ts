import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { deriveKey } from '../../platform/crypto/secret-box';
import { AccountSecret, type SecretChannel, type SecretPurpose } from './entities/account-secret.entity';

/** SMS codes: 6 digits, 10 minutes, 5 tries (DESIGN.md, security baseline). */
export const CODE_MINUTES = 10;
export const CODE_TRIES = 5;

/** `wrong` comes with the tries left; `expired` covers spent, timed-out, unknown and decoy tickets alike. */
export type CodeCheck =
  { status: 'valid'; secret: AccountSecret } | { status: 'wrong'; triesLeft: number } | { status: 'expired' };

/**
 * The single-use secrets sent to people (activation, password reset, e-mail change): a 32-byte link token or a 6-digit
 * code, stored as an HMAC under a key derived from SECRET_KEY, expiring, spent once used. A code is checked against its
 * ticket (the row id), so a code alone opens nothing.
 */
@Injectable()
export class AccountSecrets {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(deriveKey(config.secretKey, 'account-secret'), 'base64url');
  }

  /** Spends the unused secrets of this purpose: a new one replaces them. */
  async spendAll(manager: EntityManager, accountId: string, purpose: SecretPurpose): Promise<void> {
    await manager.getRepository(AccountSecret).update({ accountId, purpose, usedAt: IsNull() }, { usedAt: new Date() });
  }

  async issueLink(
    manager: EntityManager,
    input: {
      accountId: string | null;
      purpose: SecretPurpose;
      expiresAt: Date;
      channel?: SecretChannel;
      data?: AccountSecret['data'];
    },
  ): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = randomBytes(32).toString('base64url');
    await manager.getRepository(AccountSecret).insert({
      id,
      accountId: input.accountId,
      purpose: input.purpose,
      channel: input.channel ?? 'email',
      secretHash: this.hmac(token),
      expiresAt: input.expiresAt,
      data: input.data ?? null,
    });
    return { id, token };
  }

  /**
   * A 6-digit code and its ticket. Without an account it is a decoy: the ticket behaves as a real one (tries counted,
   * expiry) and no code opens it, so the page after a request does not tell whether an account matched.
   */
  async issueCode(
    manager: EntityManager,
    input: { accountId: string | null; purpose: SecretPurpose },
  ): Promise<{ id: string; code: string }> {
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await manager.getRepository(AccountSecret).insert({
      id,
      accountId: input.accountId,
      purpose: input.purpose,
      channel: 'sms',
      secretHash: this.hmac(input.accountId ? `${id}:${code}` : randomBytes(16).toString('hex')),
      expiresAt: new Date(Date.now() + CODE_MINUTES * 60 * 1000),
    });
    return { id, code };
  }

  /** The live secret of a link, without spending it (to show the page the link leads to). */
  async peekLink(manager: EntityManager, token: string, purpose: SecretPurpose): Promise<AccountSecret | undefined> {
    const secret = await manager.getRepository(AccountSecret).findOneBy({ secretHash: this.hmac(token), purpose });
    return secret && live(secret) ? secret : undefined;
  }

  /** Spends the secret of a link and returns it, or `undefined` when it is unknown, spent or expired. */
  async useLink(manager: EntityManager, token: string, purpose: SecretPurpose): Promise<AccountSecret | undefined> {
    const secrets = manager.getRepository(AccountSecret);
    const secret = await secrets.findOne({
      where: { secretHash: this.hmac(token), purpose },
      lock: { mode: 'pessimistic_write' },
    });
    if (!secret || !live(secret)) return undefined;
    await secrets.update({ id: secret.id }, { usedAt: new Date() });
    return secret;
  }

  /** Checks the code of a ticket, counting wrong tries; a right one spends it. */
  async useCode(manager: EntityManager, ticket: string, code: string, purpose: SecretPurpose): Promise<CodeCheck> {
    const secrets = manager.getRepository(AccountSecret);
    const secret = await secrets.findOne({
      where: { id: ticket, purpose, channel: 'sms' },
      lock: { mode: 'pessimistic_write' },
    });
    if (!secret || !live(secret) || secret.attempts >= CODE_TRIES) return { status: 'expired' };
    const expected = Buffer.from(secret.secretHash, 'hex');
    const given = Buffer.from(this.hmac(`${secret.id}:${code.replace(/\s/g, '')}`), 'hex');
    if (!secret.accountId || !timingSafeEqual(expected, given)) {
      await secrets.increment({ id: secret.id }, 'attempts', 1);
      const triesLeft = CODE_TRIES - secret.attempts - 1;
      return triesLeft > 0 ? { status: 'wrong', triesLeft } : { status: 'expired' };
    }
    await secrets.update({ id: secret.id }, { usedAt: new Date() });
    return { status: 'valid', secret };
  }

  private hmac(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex');
  }
}

function live(secret: AccountSecret): boolean {
  return !secret.usedAt && secret.expiresAt > new Date();
}
