import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { NotificationsService } from '../notifications';
import type { CompanyAccount } from './entities/company-account.entity';

/** What the mail system receives (Standard Webhooks payload: `type`, `timestamp`, `data`). */
export interface MailboxEvent {
  type: 'mailbox.created' | 'mailbox.removed';
  timestamp: string;
  data: {
    address: string;
    login: string;
    company_account_id: string;
    primary_login: string | null;
    siret: string;
  };
}

/**
 * Mailboxes (« BAL ») of company accounts. The platform runs no mail server: a mailbox is an address
 * (`<login>@<MAILBOX_DOMAIN>`) recorded with the account and announced to the mail system by a signed webhook,
 * written to the outbox in the transaction of the change (so it is sent if and only if the change is committed).
 */
@Injectable()
export class Mailboxes {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
  ) {}

  /** Whether this deployment offers mailboxes (`MAILBOX_DOMAIN` and its webhook are configured). */
  get available(): boolean {
    return this.config.mailboxes !== undefined;
  }

  /** The address a login's mailbox has. */
  addressOf(login: string): string {
    if (!this.config.mailboxes) throw new Error('Boîtes mail non configurées (MAILBOX_DOMAIN)');
    return `${login}@${this.config.mailboxes.domain}`;
  }

  /** Queues `mailbox.created` (or `mailbox.removed`) for the mail system, in the caller's transaction. */
  async announce(
    manager: EntityManager,
    type: MailboxEvent['type'],
    account: Pick<CompanyAccount, 'id' | 'login' | 'siren' | 'nic'>,
    address: string,
    primaryLogin: string | null,
  ): Promise<void> {
    const settings = this.config.mailboxes;
    if (!settings) return;
    const event: MailboxEvent = {
      type,
      timestamp: new Date().toISOString(),
      data: {
        address,
        login: account.login,
        company_account_id: account.id,
        primary_login: primaryLogin,
        siret: account.siren + (account.nic ?? ''),
      },
    };
    await this.notifications.enqueueWebhook(manager, {
      url: settings.webhookUrl,
      body: JSON.stringify(event),
      contentType: 'application/json',
      signingSecret: settings.webhookSecret,
    });
  }
}
