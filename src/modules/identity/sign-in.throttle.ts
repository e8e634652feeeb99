import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SignInThrottleEntry } from './entities/sign-in-throttle.entity';

/** Failures allowed before waiting, per account identifier and per address (an address serves many people). */
const FREE_FAILURES = { account: 5, address: 30 } as const;
/** The wait doubles with each further failure, from 1 minute up to 15; failures are forgotten after 15 quiet minutes. */
const FIRST_WAIT_S = 60;
const MAX_WAIT_S = 15 * 60;
const FORGET_AFTER_S = 15 * 60;

/**
 * Slows down password guessing, per account and per address, with waits that grow and then expire: never a permanent
 * lock that an attacker could put on someone else's account. Stored in PostgreSQL so every instance sees it.
 */
@Injectable()
export class SignInThrottle {
  constructor(@InjectRepository(SignInThrottleEntry) private readonly entries: Repository<SignInThrottleEntry>) {}

  /** Seconds to wait before the next attempt is allowed, 0 when it is. */
  async delayBeforeNextAttempt(identifier: string, address: string | undefined, now = new Date()): Promise<number> {
    const entries = await this.entries.findBy(keys(identifier, address).map((key) => ({ key })));
    const until = Math.max(0, ...entries.map((e) => e.blockedUntil?.getTime() ?? 0));
    return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
  }

  async recordFailure(identifier: string, address: string | undefined, now = new Date()): Promise<void> {
    const [accountKey, addressKey] = keys(identifier, address);
    await this.bump(accountKey, FREE_FAILURES.account, now);
    if (addressKey) await this.bump(addressKey, FREE_FAILURES.address, now);
  }

  /** After a successful sign-in, the account's failures are forgotten (not the address's). */
  async clear(identifier: string): Promise<void> {
    await this.entries.delete({ key: keys(identifier, undefined)[0] });
  }

  private async bump(key: string, free: number, now: Date): Promise<void> {
    // One statement, so that concurrent failures on several instances all count.
    await this.entries.query(
      `INSERT INTO sign_in_throttle (key, failures, last_failure_at, blocked_until) VALUES ($1, 1, $2, NULL)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN sign_in_throttle.last_failure_at < $2::timestamptz - make_interval(secs => $3)
                         THEN 1 ELSE sign_in_throttle.failures + 1 END,
         last_failure_at = $2`,
      [key, now, FORGET_AFTER_S],
    );
    await this.entries.query(
      `UPDATE sign_in_throttle SET blocked_until = CASE WHEN failures >= $2
         THEN $3::timestamptz + make_interval(secs => LEAST($4 * power(2, failures - $2), $5)::int) ELSE NULL END
       WHERE key = $1`,
      [key, free, now, FIRST_WAIT_S, MAX_WAIT_S],
    );
  }
}

function keys(identifier: string, address: string | undefined): string[] {
  const hash = (value: string) => createHash('sha256').update(value).digest('base64url');
  return [`account:${hash(identifier.trim().toLowerCase())}`, ...(address ? [`address:${hash(address)}`] : [])];
}
