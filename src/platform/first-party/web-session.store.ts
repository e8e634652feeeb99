import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Not, type Repository } from 'typeorm';
import { ExclusiveJobRunner } from '../jobs/exclusive-job.runner';
import { WebSession } from './web-session.entity';

const LIFETIME_MS = 12 * 60 * 60 * 1000;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** First-party sessions in PostgreSQL, never in process memory: any instance serves any request. */
@Injectable()
export class WebSessionStore {
  constructor(
    @InjectRepository(WebSession) private readonly sessions: Repository<WebSession>,
    private readonly jobs: ExclusiveJobRunner,
  ) {}

  /** Opens a session of one space and returns the token for the cookie. */
  async open(input: { clientId: string; accountId: string; oidcSid: string | null; idToken: string }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.sessions.insert({
      tokenHash: hash(token),
      ...input,
      expiresAt: new Date(Date.now() + LIFETIME_MS),
    });
    return token;
  }

  /** The live session of that token in that space (a cookie of another space never counts). */
  async find(token: string | undefined, clientId: string): Promise<WebSession | undefined> {
    if (!token) return undefined;
    return (
      (await this.sessions.findOneBy({ tokenHash: hash(token), clientId, expiresAt: MoreThan(new Date()) })) ??
      undefined
    );
  }

  async close(token: string): Promise<void> {
    await this.sessions.delete({ tokenHash: hash(token) });
  }

  /**
   * Every session of the account in every space, but the one of `exceptToken` (a password change keeps the one it was
   * made in).
   */
  async closeAllForAccount(accountId: string, exceptToken?: string): Promise<void> {
    await this.sessions.delete(exceptToken ? { accountId, tokenHash: Not(hash(exceptToken)) } : { accountId });
  }

  /** Back-channel logout to one space: its sessions of that provider session (or, without a sid, of that account). */
  async closeForProviderSession(clientId: string, accountId: string, oidcSid: string | undefined): Promise<number> {
    const { affected } = await this.sessions.delete(
      oidcSid ? { clientId, accountId, oidcSid } : { clientId, accountId },
    );
    return affected ?? 0;
  }

  @Cron(CronExpression.EVERY_HOUR)
  async purgeExpired(): Promise<void> {
    await this.jobs.run('platform.web_session.purge', async (manager) => {
      await manager.delete(WebSession, { expiresAt: LessThan(new Date()) });
    });
  }
}
