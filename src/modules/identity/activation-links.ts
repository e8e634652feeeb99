import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { NotificationsService } from '../notifications';
import { AccountSecrets, CODE_MINUTES } from './account-secrets';
import type { SecretChannel } from './entities/account-secret.entity';
import type { Account } from './entities/account.entity';
import { localDate } from './french-dates';

/** A self-registered account still pending this many days after registration is deleted. */
export const ACTIVATION_LINK_DAYS = 30;
/** The reminder before the purge goes this many days before it. */
export const ACTIVATION_REMINDER_DAYS = 5;
/** An invitation link lives this many days; the invited person is reminded once, a few days before. */
export const INVITATION_DAYS = 14;
export const INVITATION_REMINDER_DAYS = 3;

/** The day an invitation sent at `sentAt` expires. */
export function invitationDeadline(sentAt: Date): Date {
  return new Date(sentAt.getTime() + INVITATION_DAYS * 24 * 3600 * 1000);
}

/** The day an unactivated self-registered account is deleted. */
export function purgeDate(createdAt: Date): Date {
  return new Date(createdAt.getTime() + ACTIVATION_LINK_DAYS * 24 * 3600 * 1000);
}

/**
 * The reusable step of every account that awaits its holder: a new single-use secret (the earlier ones spent) and the
 * message carrying it, in the caller's transaction, so that the message leaves if and only if the change commits.
 */
@Injectable()
export class ActivationLinks {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly secrets: AccountSecrets,
  ) {}

  /** An activation link by e-mail, or a code by SMS (its ticket returned either way). */
  async send(manager: EntityManager, account: Account, channel: SecretChannel): Promise<string> {
    if (channel === 'email') return this.sendLink(manager, account, 'account-activation');
    await this.secrets.spendAll(manager, account.id, 'activation');
    const { id, code } = await this.secrets.issueCode(manager, { accountId: account.id, purpose: 'activation' });
    await this.notifications.enqueueSms(manager, {
      to: account.mobilePhone!,
      template: 'activation-code',
      data: { code, minutes: CODE_MINUTES },
      locale: account.locale,
    });
    return id;
  }

  /** An activation link by e-mail, valid until the purge date. Returns its ticket. */
  async sendLink(
    manager: EntityManager,
    account: Account,
    template: 'account-activation' | 'activation-reminder',
  ): Promise<string> {
    await this.secrets.spendAll(manager, account.id, 'activation');
    const deadline = purgeDate(account.createdAt);
    const { id, token } = await this.secrets.issueLink(manager, {
      accountId: account.id,
      purpose: 'activation',
      expiresAt: deadline,
    });
    await this.notifications.enqueueEmail(manager, {
      to: account.email,
      template,
      data: {
        givenName: account.givenName ?? '',
        identifier: account.identifier,
        activationUrl: `${this.config.publicUrl}/activation/${token}`,
        deadline: localDate(deadline, account.locale),
      },
      locale: account.locale,
    });
    return id;
  }

  /**
   * An invitation link by e-mail: it leads to the page where the invited person chooses their password, until
   * `expiresAt` (a reminder keeps the invitation's own deadline).
   */
  async sendInvitation(
    manager: EntityManager,
    account: Account,
    input: { invitedBy: string; expiresAt: Date; reminder: boolean },
  ): Promise<void> {
    await this.secrets.spendAll(manager, account.id, 'invitation');
    const { token } = await this.secrets.issueLink(manager, {
      accountId: account.id,
      purpose: 'invitation',
      expiresAt: input.expiresAt,
      data: { invitedBy: input.invitedBy, reminded: input.reminder },
    });
    await this.notifications.enqueueEmail(manager, {
      to: account.email,
      template: 'account-invitation',
      data: {
        givenName: account.givenName ?? '',
        identifier: account.identifier,
        invitedBy: input.invitedBy,
        invitationUrl: `${this.config.publicUrl}/invitation/${token}`,
        deadline: localDate(input.expiresAt, account.locale),
        reminder: input.reminder,
      },
      locale: account.locale,
    });
  }
}
