import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { NextFunction, Request, Response } from 'express';
import { ExclusiveJobRunner } from '../../platform/jobs/exclusive-job.runner';
import { renderView } from '../../platform/views/views';
import { SignInThrottle, tooManyAttempts } from '../identity';
import type { OidcProviderService } from './oidc-provider.service';

/**
 * Lifetimes of an interaction, in seconds. Every anonymous `GET /oidc/auth` stores one: it lives two minutes (the time
 * for the browser to follow the redirect to its first page), and an hour once a page of it has been shown. A flood of
 * authorization requests that never reach a page thus leaves rows that expire within minutes and are purged every
 * minute.
 */
export const INTERACTION_TTL = { unused: 120, used: 60 * 60 } as const;

type Interaction = Awaited<ReturnType<OidcProviderService['provider']['interactionDetails']>>;

@Injectable()
export class InteractionLifetime {
  constructor(
    private readonly jobs: ExclusiveJobRunner,
    private readonly throttle: SignInThrottle,
  ) {}

  /**
   * Express middleware on `/oidc/auth`, before the provider: an address whose authorization requests stored more
   * interactions than `THROTTLE_RULES.interaction` allows waits (a French 429 page); each request that stores one (a
   * redirect to `/interaction/…`) is counted once answered.
   */
  readonly capPerAddress = (req: Request, res: Response, next: NextFunction): void => {
    if (req.path !== '/') return next();
    const address = req.ip;
    void this.throttle.interactionWait(address).then(
      (wait) => {
        if (wait > 0) {
          res
            .status(429)
            .type('html')
            .setHeader('Retry-After', String(wait))
            .send(
              renderView('platform/views/error.njk', {
                title: 'Trop de demandes',
                message: tooManyAttempts(wait),
                status: 429,
              }),
            );
          return;
        }
        res.on('finish', () => {
          if (res.statusCode === 303 && /^\/interaction\//.test(String(res.getHeader('location') ?? '')))
            void this.throttle.interactionStored(address).catch(() => undefined);
        });
        next();
      },
      // The cap is about storage, not a secret: when its count cannot be read (the database is away), the request goes
      // on to the provider, which answers the outage itself (503 `server_error`).
      () => next(),
    );
  };

  /**
   * The first page of an interaction: it now lives an hour from then (once: never longer), and so do the provider's two cookies that lead back to it
   * (set with the provider's own signed-cookie machinery, as it set them).
   */
  async markUsed(provider: OidcProviderService['provider'], interaction: Interaction, req: Request, res: Response) {
    // Once only: an interaction given its hour is not extended again, however often its pages are shown.
    const { iat = 0, exp = 0 } = interaction;
    if (exp - iat > INTERACTION_TTL.unused) return;
    await interaction.save(INTERACTION_TTL.used);
    const ctx = provider.createContext(req, res);
    const options = { httpOnly: true, sameSite: 'lax' as const, maxAge: INTERACTION_TTL.used * 1000 };
    ctx.cookies.set(provider.cookieName('interaction'), interaction.uid, {
      ...options,
      path: `/interaction/${interaction.uid}`,
    });
    ctx.cookies.set(provider.cookieName('resume'), interaction.uid, {
      ...options,
      path: new URL(interaction.returnTo).pathname,
    });
  }

  /** Expired interactions go every minute (the other provider state every ten, with the session devices). */
  @Cron(CronExpression.EVERY_MINUTE)
  async purgeExpired(): Promise<void> {
    await this.jobs.run('oidc.interaction.purge', async (manager) => {
      await manager.query(`DELETE FROM oidc_payload WHERE model = 'Interaction' AND expires_at < now()`);
    });
  }
}
