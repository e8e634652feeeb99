import { createHash, randomUUID } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { SecretBox } from '../../platform/crypto/secret-box';
import { requestContext } from '../../platform/http/request-context';
import { t } from '../../platform/i18n/i18n';
import { ExclusiveJobRunner } from '../../platform/jobs/exclusive-job.runner';
import { Account } from './entities/account.entity';
import { IdentityError, IdentityErrorCode } from './identity.errors';

/**
 * What each counter allows: `free` attempts, then a wait that doubles with each further attempt from `firstWaitS` up to
 * `maxWaitS`; a counter is forgotten after `forgetAfterS` quiet seconds. Never a permanent lock that an outsider could
 * put on someone's account, and the owner's known device has its own counter (see `TrustedDevice`).
 */
export interface ThrottleRule {
  free: number;
  firstWaitS: number;
  maxWaitS: number;
  forgetAfterS: number;
}

const QUARTER_HOUR = { firstWaitS: 60, maxWaitS: 15 * 60, forgetAfterS: 15 * 60 };

export const THROTTLE_RULES = {
  /** Password attempts for one account (identifier and e-mail together), or from one known device of its owner. */
  account: { free: 5, ...QUARTER_HOUR },
  /** Password attempts from one address, whatever the account (an address serves many people). */
  address: { free: 30, ...QUARTER_HOUR },
  /** SMS codes typed from one address (each code has its own 5 tries on top of this). */
  code: { free: 20, ...QUARTER_HOUR },
  /** Recovery requests (password, identifier) from one address. */
  recovery: { free: 10, ...QUARTER_HOUR },
  /** Interactions stored for authorization requests from one address (each lives 2 minutes unless used). */
  interaction: { free: 1000, ...QUARTER_HOUR },
  /**
   * Company registrations in steps started from one address (each keeps a draft, and perhaps an identity document, for
   * a day): a person needs one, an office a few.
   */
  registrationDraft: { free: 10, ...QUARTER_HOUR },
  /** « Adresse déjà utilisée » e-mails to one address on registration, per hour. */
  takenEmail: { free: 3, firstWaitS: 3600, maxWaitS: 3600, forgetAfterS: 3600 },
} satisfies Record<string, ThrottleRule>;

/** The cookie of a device that signed in to an account with its password: its attempts are not strangers'. */
export const DEVICE_COOKIE = 'appareil';
const DEVICE_DAYS = 180;

/** The device cookie of a request, if any. */
export function deviceCookie(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[DEVICE_COOKIE];
  return typeof value === 'string' ? value : undefined;
}

/** The message of a refused attempt. */
export function tooManyAttempts(waitSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(waitSeconds / 60));
  return `Trop de tentatives. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`;
}

export type PasswordAttempt<T> =
  | { status: 'refused'; waitSeconds: number }
  | { status: 'wrong' }
  /** `device`: the cookie value to give the browser (a known device of this account from now on). */
  | { status: 'verified'; result: T; device: string };

interface Counter {
  key: string;
  rule: ThrottleRule;
}

/**
 * Slows down guessing (passwords, SMS codes, recovery requests), per account and per address. An attempt is reserved
 * atomically in PostgreSQL *before* the secret is checked (one `INSERT … ON CONFLICT DO UPDATE … RETURNING` per counter,
 * committed before the slow argon2 verification), so concurrent requests on any number of instances cannot all slip
 * in; a right password gives its reservation back. Counter keys are hashed: no identifier or address is stored.
 */
@Injectable()
export class SignInThrottle {
  private readonly devices: SecretBox;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly jobs: ExclusiveJobRunner,
  ) {
    this.devices = new SecretBox(config.secretKey, 'trusted-device');
  }

  /**
   * A password sign-in (`verify` returns the account the password opens, or `undefined`). The attempt counts for the
   * account that the identifier or e-mail names (both count together; an unknown one counts under what was typed) and
   * for the address; from a device that signed in to this account before, it counts only for that device, so strangers'
   * failures never lock the owner out.
   */
  async signIn<T extends { id: string }>(
    login: string,
    source: { address?: string; device?: string },
    verify: () => Promise<T | undefined>,
  ): Promise<PasswordAttempt<T>> {
    const accountId = await this.accountIdOf(login);
    const device = this.devices.openTicket<{ accountId: string; id: string }>(source.device);
    const counters: Counter[] =
      device && accountId && device.accountId === accountId
        ? [{ key: `device:${device.id}`, rule: THROTTLE_RULES.account }]
        : [
            { key: `account:${accountId ?? hash(login.trim().toLowerCase())}`, rule: THROTTLE_RULES.account },
            ...this.addressCounter('address', source.address, THROTTLE_RULES.address),
          ];
    const refused = await this.reserve(counters);
    if (refused !== undefined) return { status: 'refused', waitSeconds: refused };
    const result = await verify();
    if (!result) return { status: 'wrong' };
    await this.giveBack(counters);
    const deviceId = device?.accountId === result.id ? device.id : randomUUID();
    const cookie = this.devices.sealTicket({ accountId: result.id, id: deviceId }, DEVICE_DAYS * 86_400_000);
    return { status: 'verified', result, device: cookie };
  }

  /**
   * The owner proved they hold the account by another way (a password reset through the mailbox or the phone): the
   * account's counter starts again, and the browser becomes a known device, so that a stranger who keeps failing on
   * the account cannot keep its owner out. Returns the device cookie to give the browser.
   */
  async ownerProven(accountId: string): Promise<string> {
    await this.dataSource.query('DELETE FROM sign_in_throttle WHERE key = $1', [`account:${accountId}`]);
    return this.devices.sealTicket({ accountId, id: randomUUID() }, DEVICE_DAYS * 86_400_000);
  }

  /** Options of the device cookie. */
  deviceCookieOptions(secure: boolean) {
    return { httpOnly: true, secure, sameSite: 'lax' as const, path: '/', maxAge: DEVICE_DAYS * 86_400_000 };
  }

  /**
   * A current-password check in the account space (e-mail change, password change, deletion): `check` runs only when
   * the attempt is allowed, else a « Trop de tentatives » error.
   */
  async currentPassword(accountId: string, check: () => Promise<boolean>): Promise<boolean> {
    // Per account only: the person is signed in, and counting their address would let strangers behind the same
    // shared address (a carrier's NAT, an office) block everyone's checks there.
    const counters = [{ key: `password-check:${accountId}`, rule: THROTTLE_RULES.account }];
    await this.reserveOrThrow(counters);
    const right = await check();
    if (right) await this.giveBack(counters);
    return right;
  }

  /** Until when the account's own counters (sign-in, password checks) refuse attempts, if they do now. */
  async accountBlockedUntil(accountId: string, now = new Date()): Promise<Date | undefined> {
    const [row] = await this.dataSource.query<Array<{ until: Date | null }>>(
      `SELECT max(blocked_until) AS until FROM sign_in_throttle WHERE key = ANY($1) AND blocked_until > $2`,
      [accountKeys(accountId), now],
    );
    return row?.until ?? undefined;
  }

  /** An operator clears the account's own counters (sign-in, password checks); addresses and devices keep theirs. */
  async clearAccount(accountId: string): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM sign_in_throttle WHERE key = ANY($1)`,
      [accountKeys(accountId)],
    );
    return affected;
  }

  /** One SMS code typed: counted per address (right codes too; each code also has its own tries). */
  async codeAttempt(): Promise<void> {
    await this.reserveOrThrow(this.addressCounter('code', requestContext.current()?.ipAddress, THROTTLE_RULES.code));
  }

  /** One recovery request (password or identifier), counted per address. */
  async recoveryRequest(): Promise<void> {
    await this.reserveOrThrow(
      this.addressCounter('recovery', requestContext.current()?.ipAddress, THROTTLE_RULES.recovery),
    );
  }

  /** A company registration draft started, counted per address; refused with a message in the request's language. */
  async registrationDraft(): Promise<void> {
    const counters = this.addressCounter(
      'registration-draft',
      requestContext.current()?.ipAddress,
      THROTTLE_RULES.registrationDraft,
    );
    const wait = await this.reserve(counters);
    if (wait === undefined) return;
    throw new IdentityError(
      IdentityErrorCode.TOO_MANY_REQUESTS,
      t('registration:company.throttled', { count: Math.max(1, Math.ceil(wait / 60)) }),
    );
  }

  /** Seconds an address must wait before its next authorization request may store an interaction, 0 when it may. */
  async interactionWait(address: string | undefined): Promise<number> {
    if (!address) return 0;
    const [row] = await this.dataSource.query<Array<{ wait: number }>>(
      `SELECT ceil(extract(epoch FROM blocked_until - now()))::int AS wait FROM sign_in_throttle
       WHERE key = $1 AND blocked_until > now()`,
      [`interaction:${hash(addressBlock(address))}`],
    );
    return row?.wait ?? 0;
  }

  /** An interaction was stored for this address's authorization request: counted (a cap on stored rows, not a secret). */
  async interactionStored(address: string | undefined): Promise<void> {
    for (const counter of this.addressCounter('interaction', address, THROTTLE_RULES.interaction))
      await this.take(this.dataSource.manager, counter, new Date());
  }

  /** Whether one more « adresse déjà utilisée » e-mail may go to this address this hour (inside the caller's work). */
  async mayWarnTakenEmail(manager: EntityManager, email: string): Promise<boolean> {
    const counter = { key: `taken-email:${hash(email.trim().toLowerCase())}`, rule: THROTTLE_RULES.takenEmail };
    return (await this.take(manager, counter, new Date())) === undefined;
  }

  /** Counters quiet for longer than any rule remembers (an hour) are deleted. */
  @Cron(CronExpression.EVERY_HOUR)
  async purgeForgotten(): Promise<void> {
    await this.jobs.run('identity.throttle.purge', async (manager) => {
      await manager.query(
        `DELETE FROM sign_in_throttle WHERE last_failure_at < now() - interval '1 hour'
           AND (blocked_until IS NULL OR blocked_until < now())`,
      );
    });
  }

  /**
   * Reserves one attempt on every counter in one statement (no lock is held while a password is verified). When a
   * counter refuses, the attempts the others took are given back at once: for that instant the counts are one higher,
   * never lower, so nothing slips in. Returns the seconds to wait when a counter refuses.
   */
  private async reserve(counters: Counter[]): Promise<number | undefined> {
    if (counters.length === 0) return undefined;
    const now = new Date();
    if (counters.length === 1) return this.take(this.dataSource.manager, counters[0], now);
    const taken = await this.takeAll(counters, now);
    const refused = counters.filter((counter) => !taken.has(counter.key));
    if (refused.length === 0) return undefined;
    await this.giveBack(counters.filter((counter) => taken.has(counter.key)));
    const waits = await Promise.all(refused.map((counter) => this.waitOf(counter.key, now)));
    return Math.max(...waits);
  }

  /** `take` for several counters in one statement: the keys whose attempt was counted. */
  private async takeAll(counters: Counter[], now: Date): Promise<Set<string>> {
    // The counter's rule, for the row being updated.
    const rule = (column: string) => `(SELECT ${column} FROM v WHERE v.key = t.key)`;
    const count = `CASE WHEN t.last_failure_at < $2::timestamptz - make_interval(secs => ${rule('forget')}) THEN 1 ELSE t.failures + 1 END`;
    const rows = await this.dataSource.query<Array<{ key: string }>>(
      `WITH v AS (
         SELECT * FROM unnest($1::text[], $3::int[], $4::int[], $5::int[], $6::int[])
           AS v(key, free, first_wait, max_wait, forget)
       )
       INSERT INTO sign_in_throttle AS t (key, failures, last_failure_at, blocked_until)
       SELECT v.key, 1, $2, CASE WHEN 1 >= v.free THEN $2::timestamptz + make_interval(secs => v.first_wait) END FROM v
       ON CONFLICT (key) DO UPDATE SET
         failures = ${count},
         last_failure_at = $2,
         blocked_until = CASE WHEN ${count} >= ${rule('free')}
           THEN $2::timestamptz + make_interval(secs =>
             LEAST(${rule('first_wait')} * power(2, ${count} - ${rule('free')}), ${rule('max_wait')})::int) END
       WHERE t.blocked_until IS NULL OR t.blocked_until <= $2
       RETURNING t.key`,
      [
        counters.map((c) => c.key),
        now,
        counters.map((c) => c.rule.free),
        counters.map((c) => c.rule.firstWaitS),
        counters.map((c) => c.rule.maxWaitS),
        counters.map((c) => c.rule.forgetAfterS),
      ],
    );
    return new Set(rows.map((row) => row.key));
  }

  private async waitOf(key: string, now: Date): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ blocked_until: Date | null }>>(
      'SELECT blocked_until FROM sign_in_throttle WHERE key = $1',
      [key],
    );
    return Math.max(1, Math.ceil(((row?.blocked_until?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
  }

  private async reserveOrThrow(counters: Counter[]): Promise<void> {
    const wait = await this.reserve(counters);
    if (wait === undefined) return;
    throw new IdentityError(IdentityErrorCode.TOO_MANY_REQUESTS, tooManyAttempts(wait));
  }

  /**
   * One statement per counter: counts the attempt unless the counter is waiting, and starts (or doubles) the wait once
   * the free attempts are spent. Concurrent statements on one key queue on its row, so each sees the previous count.
   * Returns `undefined` when the attempt is allowed, else the seconds to wait.
   */
  private async take(manager: EntityManager, { key, rule }: Counter, now: Date): Promise<number | undefined> {
    const count = `CASE WHEN t.last_failure_at < $2::timestamptz - make_interval(secs => $6) THEN 1 ELSE t.failures + 1 END`;
    const rows = await manager.query<unknown[]>(
      `INSERT INTO sign_in_throttle AS t (key, failures, last_failure_at, blocked_until)
       VALUES ($1, 1, $2, CASE WHEN 1 >= $3 THEN $2::timestamptz + make_interval(secs => $4) END)
       ON CONFLICT (key) DO UPDATE SET
         failures = ${count},
         last_failure_at = $2,
         blocked_until = CASE WHEN ${count} >= $3
           THEN $2::timestamptz + make_interval(secs => LEAST($4 * power(2, ${count} - $3), $5)::int) END
       WHERE t.blocked_until IS NULL OR t.blocked_until <= $2
       RETURNING t.failures`,
      [key, now, rule.free, rule.firstWaitS, rule.maxWaitS, rule.forgetAfterS],
    );
    if (rows.length > 0) return undefined;
    const [row] = await manager.query<Array<{ blocked_until: Date | null }>>(
      'SELECT blocked_until FROM sign_in_throttle WHERE key = $1',
      [key],
    );
    return Math.max(1, Math.ceil(((row?.blocked_until?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
  }

  /**
   * A right secret: its account or device counter starts again; the address gets its reservation back. One statement
   * for all the counters.
   */
  private async giveBack(counters: Counter[]): Promise<void> {
    if (counters.length === 0) return;
    const addresses = counters.filter(({ key }) => key.startsWith('address:'));
    const others = counters.filter(({ key }) => !key.startsWith('address:')).map(({ key }) => key);
    await this.dataSource.query(
      `WITH forgotten AS (DELETE FROM sign_in_throttle WHERE key = ANY($3::text[]))
       UPDATE sign_in_throttle AS t SET failures = GREATEST(t.failures - 1, 0),
         blocked_until = CASE WHEN t.failures - 1 >= v.free THEN t.blocked_until END
       FROM unnest($1::text[], $2::int[]) AS v(key, free)
       WHERE t.key = v.key`,
      [addresses.map(({ key }) => key), addresses.map(({ rule }) => rule.free), others],
    );
  }

  private addressCounter(kind: string, address: string | undefined, rule: ThrottleRule): Counter[] {
    return address ? [{ key: `${kind}:${hash(addressBlock(address))}`, rule }] : [];
  }

  /** The account an identifier or e-mail names, so that both count together. */
  private async accountIdOf(login: string): Promise<string | undefined> {
    const value = login.trim().toLowerCase();
    if (!value) return undefined;
    const account = await this.dataSource
      .getRepository(Account)
      .findOne({ select: { id: true }, where: value.includes('@') ? { email: value } : { identifier: value } });
    return account?.id;
  }
}

/**
 * What one sender controls: an IPv4 address, or the /64 prefix of an IPv6 address (one subscriber's network, whose
 * addresses a sender can rotate at will). IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function addressBlock(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}

/** The counters keyed by the account itself (see `signIn` and `currentPassword`). */
const accountKeys = (accountId: string) => [`account:${accountId}`, `password-check:${accountId}`];

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
