import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../platform/audit';
import { DomainEvents } from '../../platform/events';
import { AccountSecrets, type CodeCheck } from './account-secrets';
import { ActivationLinks } from './activation-links';
import { AccountSecret, type SecretChannel } from './entities/account-secret.entity';
import { Account } from './entities/account.entity';
import { IdentityError, IdentityErrorCode } from './identity.errors';

export type ActivationResult = 'activated' | 'invalid';
export type CodeResult = { status: 'activated' } | Exclude<CodeCheck, { status: 'valid' }>;

/** At most this many new activation codes or links per account and hour. */
const RESENDS_PER_HOUR = 5;

/**
 * Activation of a self-registered account: by its e-mail link or its SMS code (single use), and « Renvoyer ». The
 * `identity.account.activated` event goes after the commit.
 */
@Injectable()
export class ActivationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly secrets: AccountSecrets,
    private readonly links: ActivationLinks,
  ) {}

  /** Activates the account of an e-mail link (single use). */
  async activateByLink(token: string): Promise<ActivationResult> {
    const accountId = await this.dataSource.transaction(async (manager) => {
      const secret = await this.secrets.useLink(manager, token, 'activation');
      if (!secret?.accountId) return undefined;
      return (await this.activate(manager, secret.accountId, 'email')) ? secret.accountId : undefined;
    });
    if (!accountId) return 'invalid';
    await this.published(accountId, 'email');
    return 'activated';
  }

  /** Checks an SMS code of a ticket: 10 minutes, 5 tries. */
  async activateByCode(ticket: string, code: string): Promise<CodeResult> {
    const result = await this.dataSource.transaction(async (manager) => {
      const check = await this.secrets.useCode(manager, ticket, code, 'activation');
      if (check.status !== 'valid') return check;
      const accountId = check.secret.accountId!;
      return {
        status: 'activated' as const,
        accountId: (await this.activate(manager, accountId, 'sms')) ? accountId : null,
      };
    });
    if (result.status !== 'activated') return result;
    if (result.accountId) await this.published(result.accountId, 'sms');
    return { status: 'activated' };
  }

  /**
   * « Renvoyer »: a new code (or link) for the account of this ticket, the old ones spent. Returns the new ticket; an
   * unknown or decoy ticket gets a new decoy (no difference to see). At most 5 per hour per account.
   */
  async resend(ticket: string): Promise<{ ticket: string; channel: SecretChannel }> {
    return this.dataSource.transaction(async (manager) => {
      const secret = await manager.getRepository(AccountSecret).findOneBy({ id: ticket });
      const account = secret?.accountId
        ? await manager.getRepository(Account).findOneBy({ id: secret.accountId })
        : null;
      if (!secret || !account || account.status !== 'pending' || account.origin !== 'registration') {
        const decoy = await this.secrets.issueCode(manager, { accountId: null, purpose: 'activation' });
        return { ticket: decoy.id, channel: 'sms' };
      }
      const [{ recent }] = await manager.query<Array<{ recent: number }>>(
        `SELECT count(*)::int AS recent FROM account_secret
         WHERE account_id = $1 AND purpose = 'activation' AND created_at > now() - interval '1 hour'`,
        [account.id],
      );
      if (recent >= RESENDS_PER_HOUR) {
        throw new IdentityError(
          IdentityErrorCode.TOO_MANY_REQUESTS,
          'Vous avez demandé trop de nouveaux codes. Réessayez dans une heure.',
        );
      }
      const channel: SecretChannel = secret.channel === 'sms' && account.mobilePhone ? 'sms' : 'email';
      return { ticket: await this.links.send(manager, account, channel), channel };
    });
  }

  /** A ticket that lets a person who just proved the password of a pending account ask for a new activation. */
  async resendTicketFor(accountId: string): Promise<string> {
    const secret = await this.dataSource
      .getRepository(AccountSecret)
      .findOne({ where: { accountId, purpose: 'activation' }, order: { createdAt: 'DESC' } });
    return secret?.id ?? randomUUID();
  }

  /** Pending → active, in the caller's transaction; `false` when the account was not pending any more. */
  private async activate(manager: EntityManager, accountId: string, channel: SecretChannel): Promise<boolean> {
    const { affected } = await manager
      .getRepository(Account)
      .update(
        { id: accountId, status: 'pending' },
        channel === 'sms' ? { status: 'active', mobilePhoneVerified: true } : { status: 'active', emailVerified: true },
      );
    await this.audit.recordAccountAction(manager, accountId, 'identity.account.activated', { details: { channel } });
    return Boolean(affected);
  }

  private async published(accountId: string, via: SecretChannel): Promise<void> {
    await this.events.publish('identity.account.activated', { accountId, occurredAt: new Date(), via });
  }
}
