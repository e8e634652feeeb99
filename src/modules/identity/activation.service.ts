import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { SecretBox } from '../../platform/crypto/secret-box';
import { NotificationsService } from '../notifications';
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
/** How long the page « Validation de votre compte » stays usable (a pending account signing in gets a new one). */
const CHOICE_MINUTES = 60;

/** What the page « Validation de votre compte » shows and sends back, sealed (nobody can forge another account's). */
export interface ActivationChoice {
  /** `null` for the address of another account: the page looks the same and sends nothing. */
  accountId: string | null;
  email: string;
  /** Whether the SMS code is offered (a mobile number, and SMS configured). */
  sms: boolean;
  /** The mobile number, its middle digits hidden; empty when only the e-mail is offered. */
  maskedPhone: string;
  /** The sign-in identifier, shown after the registration form. */
  identifier?: string;
  /** The page follows a sign-in with the right password (« Votre compte n'est pas encore activé »). */
  pendingSignIn?: boolean;
}

@Injectable()
export class ActivationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly secrets: AccountSecrets,
    private readonly links: ActivationLinks,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.choices = new SecretBox(config.secretKey, 'activation-choice');
  }

  private readonly choices: SecretBox;

  /**
   * The ticket of the page « Validation de votre compte » (seed 003, step 5), `/activation/choix?ticket=`: by SMS code
   * when the account has a mobile number and SMS can be sent, or by e-mail link. `accountId` null gives the same page
   * for an address that belongs to another account (nothing is sent from it).
   */
  choice(input: {
    accountId: string | null;
    email: string;
    mobilePhone: string | null | undefined;
    identifier?: string;
    pendingSignIn?: boolean;
  }): string {
    const sms = Boolean(input.mobilePhone) && this.notifications.smsAvailable;
    const choice: ActivationChoice = {
      accountId: input.accountId,
      email: input.email,
      sms,
      maskedPhone: sms ? maskPhone(input.mobilePhone!) : '',
      ...(input.identifier ? { identifier: input.identifier } : {}),
      ...(input.pendingSignIn ? { pendingSignIn: true } : {}),
    };
    return this.choices.sealTicket(choice, CHOICE_MINUTES * 60_000);
  }

  /** The path of the same page for a pending account whose holder has just typed its password. */
  async choicePageFor(accountId: string): Promise<string> {
    const account = await this.dataSource.getRepository(Account).findOneByOrFail({ id: accountId });
    const ticket = this.choice({
      accountId,
      email: account.email,
      mobilePhone: account.mobilePhone,
      pendingSignIn: true,
    });
    return activationChoicePath(ticket);
  }

  /** What the page shows, or `undefined` when its ticket is forged or expired. */
  openChoice(ticket: string | undefined): ActivationChoice | undefined {
    return this.choices.openTicket<ActivationChoice>(ticket);
  }

  /**
   * « Envoyer le code d'activation » or « Envoyer le lien d'activation » on that page: a new code or link (earlier ones
   * spent), at most 5 per hour. `undefined` when the page has expired; a decoy ticket when the page was a decoy.
   */
  async sendChosen(
    sealed: string | undefined,
    channel: SecretChannel,
  ): Promise<{ ticket: string; channel: SecretChannel; email: string } | undefined> {
    const choice = this.choices.openTicket<ActivationChoice>(sealed);
    if (!choice || (channel === 'sms' && !choice.sms)) return undefined;
    return this.dataSource.transaction(async (manager) => {
      const account = choice.accountId
        ? await manager.getRepository(Account).findOneBy({ id: choice.accountId })
        : null;
      if (!account || account.status !== 'pending' || account.origin !== 'registration') {
        const decoy = await this.secrets.issueCode(manager, { accountId: null, purpose: 'activation' });
        return { ticket: decoy.id, channel, email: choice.email };
      }
      await this.limitResends(manager, account.id);
      const smsChannel = channel === 'sms' && Boolean(account.mobilePhone);
      const sent: SecretChannel = smsChannel ? 'sms' : 'email';
      return { ticket: await this.links.send(manager, account, sent), channel: sent, email: account.email };
    });
  }

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
      await this.limitResends(manager, account.id);
      const channel: SecretChannel = secret.channel === 'sms' && account.mobilePhone ? 'sms' : 'email';
      return { ticket: await this.links.send(manager, account, channel), channel };
    });
  }

  private async limitResends(manager: EntityManager, accountId: string): Promise<void> {
    const [{ recent }] = await manager.query<Array<{ recent: number }>>(
      `SELECT count(*)::int AS recent FROM account_secret
       WHERE account_id = $1 AND purpose = 'activation' AND created_at > now() - interval '1 hour'`,
      [accountId],
    );
    if (recent >= RESENDS_PER_HOUR) {
      throw new IdentityError(
        IdentityErrorCode.TOO_MANY_REQUESTS,
        'Vous avez demandé trop de nouveaux codes. Réessayez dans une heure.',
      );
    }
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

/** The page « Validation de votre compte » of a sealed choice ticket. */
export function activationChoicePath(ticket: string): string {
  return `/activation/choix?ticket=${encodeURIComponent(ticket)}`;
}

/** `+33781234567` → `07 •• •• •• 67`; another country's number keeps its prefix and last two digits. */
export function maskPhone(e164: string): string {
  const french = /^\+33(\d{9})$/.exec(e164);
  if (french) {
    const digits = `0${french[1]}`;
    return `${digits.slice(0, 2)} •• •• •• ${digits.slice(8)}`;
  }
  return `${e164.slice(0, 3)} ${'•'.repeat(Math.max(e164.length - 5, 0))} ${e164.slice(-2)}`;
}
