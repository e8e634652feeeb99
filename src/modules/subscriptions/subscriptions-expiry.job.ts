import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Locale } from '../../platform/i18n/i18n';
import { ExclusiveJobRunner } from '../../platform/jobs/exclusive-job.runner';
import { IdentityService } from '../identity';
import { NotificationsService } from '../notifications';
import { parisDate, SubscriptionsService } from './subscriptions.service';

/** Days before the end when the administrators are warned. */
export const EXPIRY_WARNING_DAYS = [30, 7] as const;

/** The last day as the e-mail gives it: « 31/12/2026 » in French, « 31 December 2026 » in English. */
const endDate = (day: string, locale: Locale) =>
  locale === 'fr'
    ? new Date(`${day}T12:00:00Z`).toLocaleDateString('fr-FR', { timeZone: 'UTC' })
    : new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', { timeZone: 'UTC', dateStyle: 'long' });

/**
 * Every day: the memberships of subscriptions whose last day has passed end (the accounts stay, their grants on the
 * products are revoked), and the administrators of subscriptions ending in 30 and then 7 days are warned, once each.
 * The selection runs under an advisory lock (one instance at a time); the removals and e-mails follow outside it,
 * each in its own transaction (a membership already removed by another run is skipped). `now` is a parameter so
 * that tests control the clock.
 */
@Injectable()
export class SubscriptionsExpiryJob {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: ExclusiveJobRunner,
    private readonly subscriptions: SubscriptionsService,
    private readonly identity: IdentityService,
    private readonly notifications: NotificationsService,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { timeZone: 'Europe/Paris' })
  async run(): Promise<void> {
    const now = new Date();
    await this.endExpired(now);
    await this.warnAdministrators(now);
  }

  /** Ends the memberships of subscriptions ended before today. Returns how many ended. */
  async endExpired(now: Date): Promise<number> {
    let due: Array<{ subscription_id: string; account_id: string }> = [];
    await this.jobs.run('subscriptions.expiry.end', async (manager) => {
      due = await manager.query(
        `SELECT m.subscription_id, m.account_id FROM membership m JOIN subscription s ON s.id = m.subscription_id
          WHERE s.ends_on < $1 AND m.account_id NOT LIKE 'reserved:%'`,
        [parisDate(now)],
      );
    });
    let ended = 0;
    for (const { subscription_id, account_id } of due)
      if (
        await this.subscriptions.removeMembership(subscription_id, account_id, { type: 'operator', id: 'expiry-job' })
      )
        ended++;
    return ended;
  }

  /** Warns the administrators 30, then 7 days before the end (once each). Returns how many e-mails were queued. */
  async warnAdministrators(now: Date): Promise<number> {
    const today = parisDate(now);
    const due: Array<{ id: string; subscriber: string; ends_on: string; days: number; admins: string[] }> = [];
    await this.jobs.run('subscriptions.expiry.warn', async (manager) => {
      for (const days of [...EXPIRY_WARNING_DAYS].sort((a, b) => a - b)) {
        // Inside a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], a SELECT with the rows.
        const rows = await manager.query<Array<{ id: string; subscriber: string; ends_on: string; admins: string[] }>>(
          `WITH warned AS (UPDATE subscription s SET expiry_warning_days = $2
            WHERE s.ends_on >= $1::date AND s.ends_on <= $1::date + $2::int
              AND (s.expiry_warning_days IS NULL OR s.expiry_warning_days > $2)
          RETURNING s.id, s.subscriber, to_char(s.ends_on, 'YYYY-MM-DD') AS ends_on,
            coalesce((SELECT json_agg(DISTINCT m.account_id) FROM membership m
                    JOIN membership_role r ON r.membership_id = m.id AND r.role = 'administrator'
                   WHERE m.subscription_id = s.id), '[]'::json) AS admins)
          SELECT * FROM warned`,
          [today, days],
        );
        due.push(...rows.map((row) => ({ ...row, days })));
      }
    });
    let queued = 0;
    for (const subscription of due)
      for (const adminId of subscription.admins) {
        const admin = await this.identity.findById(adminId);
        if (!admin) continue;
        await this.dataSource.transaction((manager) =>
          this.notifications.enqueueEmail(manager, {
            to: admin.email,
            locale: admin.locale,
            template: 'subscription-expiry-warning',
            data: {
              subscriber: subscription.subscriber,
              endsOn: endDate(subscription.ends_on, admin.locale),
              days: subscription.days,
              subscriptionsUrl: `${this.config.publicUrl}/compte/abonnements`,
            },
            idempotencyKey: `subscription-expiry:${subscription.id}:${subscription.days}:${adminId}`,
          }),
        );
        queued++;
      }
    return queued;
  }
}
