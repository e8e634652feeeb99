import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AuditService } from '../../platform/audit';
import { DomainEvents } from '../../platform/events';
import { ExclusiveJobRunner } from '../../platform/jobs/exclusive-job.runner';
import {
  ACTIVATION_LINK_DAYS,
  ACTIVATION_REMINDER_DAYS,
  ActivationLinks,
  INVITATION_REMINDER_DAYS,
} from './activation-links';
import { CompanyRegistration } from './company-registration';
import { AccountSecret } from './entities/account-secret.entity';
import { Account } from './entities/account.entity';

/**
 * Accounts that await their holder. A self-registered one is reminded once, 5 days before its deletion 30 days after
 * registration. An invited one is never deleted here: what an administrator set up stays until they decide; the
 * invited person is reminded once before the invitation expires, and an expired invitation is sent again by the
 * inviter (`IdentityService.resendInvitation`). `now` is a parameter so that tests control the clock.
 */
@Injectable()
export class PendingAccountsJob {
  constructor(
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly jobs: ExclusiveJobRunner,
    private readonly links: ActivationLinks,
    private readonly companyRegistration: CompanyRegistration,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async run(): Promise<void> {
    const now = new Date();
    await this.remindUnactivated(now);
    await this.remindInvitations(now);
    await this.purgeUnactivated(now);
    await this.purgeRegistrationDrafts(now);
  }

  /** The company registrations in steps left unfinished for a day: their drafts and kept files. Returns how many. */
  async purgeRegistrationDrafts(now: Date): Promise<number> {
    let purged = 0;
    await this.jobs.run('identity.registration-drafts.purge', async () => {
      purged = await this.companyRegistration.purge(now);
    });
    return purged;
  }

  /** The reminder before the purge, once, with a new activation link. Returns how many were sent. */
  async remindUnactivated(now: Date): Promise<number> {
    let sent = 0;
    await this.jobs.run('identity.pending.remind', async (manager) => {
      const accounts = await manager
        .getRepository(Account)
        .createQueryBuilder('account')
        .where(`account.status = 'pending' AND account.origin = 'registration'`)
        .andWhere('account.activation_reminded_at IS NULL')
        .andWhere(`account.created_at < :now::timestamptz - make_interval(days => :days)`, {
          now: now.toISOString(),
          days: ACTIVATION_LINK_DAYS - ACTIVATION_REMINDER_DAYS,
        })
        .getMany();
      for (const account of accounts) {
        await this.links.sendLink(manager, account, 'activation-reminder');
        await manager.getRepository(Account).update({ id: account.id }, { activationRemindedAt: now });
      }
      sent = accounts.length;
    });
    return sent;
  }

  /**
   * The reminder of an invitation, once, a few days before it expires: a new link with the same deadline. Returns how
   * many were sent.
   */
  async remindInvitations(now: Date): Promise<number> {
    let sent = 0;
    await this.jobs.run('identity.invitation.remind', async (manager) => {
      const due = await manager
        .getRepository(AccountSecret)
        .createQueryBuilder('secret')
        .innerJoinAndSelect('secret.account', 'account')
        .where(`secret.purpose = 'invitation' AND secret.used_at IS NULL`)
        .andWhere(`account.status = 'pending' AND account.origin = 'invitation'`)
        .andWhere(`NOT coalesce((secret.data->>'reminded')::boolean, false)`)
        .andWhere(`secret.expires_at > :now::timestamptz`, { now: now.toISOString() })
        .andWhere(`secret.expires_at < :now::timestamptz + make_interval(days => :days)`, {
          days: INVITATION_REMINDER_DAYS,
        })
        .getMany();
      for (const secret of due) {
        await this.links.sendInvitation(manager, secret.account!, {
          invitedBy: secret.data?.invitedBy ?? '',
          expiresAt: secret.expiresAt,
          reminder: true,
        });
      }
      sent = due.length;
    });
    return sent;
  }

  /**
   * Deletes the self-registered accounts still pending 30 days after registration (their secrets go with them), with
   * a pseudonymous audit record. Returns how many were deleted.
   */
  async purgeUnactivated(now: Date): Promise<number> {
    let deleted: string[] = [];
    await this.jobs.run('identity.pending.purge', async (manager) => {
      const [rows] = await manager.query<[Array<{ id: string }>, number]>(
        `DELETE FROM account WHERE status = 'pending' AND origin = 'registration'
           AND created_at < $1::timestamptz - make_interval(days => $2)
         RETURNING id`,
        [now.toISOString(), ACTIVATION_LINK_DAYS],
      );
      for (const { id } of rows) {
        await this.audit.record(
          {
            actor: { type: 'system' },
            action: 'identity.account.purged_unactivated',
            target: { type: 'account', id },
            outcome: 'success',
          },
          manager,
        );
      }
      deleted = rows.map((row) => row.id);
    });
    for (const accountId of deleted)
      await this.events.publish('identity.account.deleted', { accountId, occurredAt: now, reason: 'unactivated' });
    return deleted.length;
  }
}
