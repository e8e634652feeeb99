import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService, type AuditRecord } from '../../platform/audit';
import { NotificationsService } from '../notifications';
import { AccountSecrets, CODE_MINUTES, type CodeCheck } from './account-secrets';
import { AccountService } from './account.service';
import { SignInThrottle } from './sign-in.throttle';
import { Account } from './entities/account.entity';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { FormErrors } from './profile-form';

/** A reset link lives an hour; the one given after a right SMS code, a quarter of an hour. */

/** A reset link used: `device` is the cookie that makes this browser a known device of the account (see the throttle). */
export type ResetOutcome = { status: 'done'; device: string } | { status: 'invalid' };
export const RESET_LINK_MINUTES = 60;
const RESET_AFTER_CODE_MINUTES = 15;
/** Requests per account and hour beyond which nothing more is sent (silently: the answer stays the same). */
const REQUESTS_PER_HOUR = 5;

export type ResetRequest = { channel: 'email' } | { channel: 'sms'; ticket: string };
export type ResetCodeResult = { status: 'valid'; token: string } | Exclude<CodeCheck, { status: 'valid' }>;

/**
 * « Mot de passe ou identifiant oublié ? »: a reset link by e-mail, a code by SMS when the account has a verified
 * mobile, and the reminder of the identifier. Every answer is the same whether an account matched or not, and the
 * same work is done (a decoy secret stands for the missing account), so neither the page nor its timing tells.
 */
@Injectable()
export class RecoveryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly secrets: AccountSecrets,
    private readonly accounts: AccountService,
    private readonly throttle: SignInThrottle,
  ) {}

  get smsAvailable(): boolean {
    return this.notifications.smsAvailable;
  }

  /**
   * A reset for the account of this identifier or e-mail. By SMS when asked and the account has a verified mobile;
   * asked by SMS without one, the link goes by e-mail (and the code page says a code *or* an e-mail is on its way).
   */
  async requestReset(login: string, wanted: 'email' | 'sms'): Promise<ResetRequest> {
    await this.throttle.recoveryRequest();
    return this.dataSource.transaction(async (manager) => {
      const account = await this.findActive(manager, login);
      const allowed = account ? await this.underLimit(manager, account.id) : false;
      const target = allowed ? account : undefined;
      if (wanted === 'sms' && this.smsAvailable) {
        const bySms = target?.mobilePhone && target.mobilePhoneVerified ? target : undefined;
        const { id, code } = await this.secrets.issueCode(manager, {
          accountId: bySms?.id ?? null,
          purpose: 'password-reset',
        });
        if (bySms) {
          await this.notifications.enqueueSms(manager, {
            to: bySms.mobilePhone!,
            template: 'password-reset-code',
            data: { code, minutes: CODE_MINUTES },
            locale: bySms.locale,
          });
          await this.audit.recordAccountAction(manager, bySms.id, 'identity.password_reset.requested', {
            details: { channel: 'sms' },
            anonymous: true,
          });
        } else if (target) {
          await this.sendLink(manager, target, true);
        }
        return { channel: 'sms', ticket: id };
      }
      if (target) await this.sendLink(manager, target, false);
      else await this.secrets.issueLink(manager, { accountId: null, purpose: 'password-reset', expiresAt: new Date() });
      return { channel: 'email' };
    });
  }

  /** A right code leads to the new-password page (a short-lived link token). */
  async checkCode(ticket: string, code: string): Promise<ResetCodeResult> {
    await this.throttle.codeAttempt();
    return this.dataSource.transaction(async (manager) => {
      const check = await this.secrets.useCode(manager, ticket, code, 'password-reset');
      if (check.status !== 'valid') return check;
      const { token } = await this.secrets.issueLink(manager, {
        accountId: check.secret.accountId,
        purpose: 'password-reset',
        channel: 'sms',
        expiresAt: new Date(Date.now() + RESET_AFTER_CODE_MINUTES * 60 * 1000),
      });
      return { status: 'valid', token };
    });
  }

  /** Whether a reset link can still be used (the page shows the form, or says it expired). */
  async linkIsValid(token: string): Promise<boolean> {
    return Boolean(await this.secrets.peekLink(this.dataSource.manager, token, 'password-reset'));
  }

  /** Sets the new password of a reset link: single use; every session of the account ends. */
  async resetPassword(token: string, password: string, confirmation: string): Promise<ResetOutcome> {
    const secret = await this.secrets.peekLink(this.dataSource.manager, token, 'password-reset');
    const account = secret?.accountId ? await this.accounts.get(secret.accountId) : undefined;
    if (!account || account.status !== 'active') return { status: 'invalid' };
    const errors = new FormErrors();
    this.accounts.checkPassword(account, password, confirmation, errors);
    if (errors.any)
      throw new IdentityError(IdentityErrorCode.FORM_INVALID, 'Le formulaire contient des erreurs.', errors.fields);
    // Spent before the change: a link used twice at once changes the password once.
    const spent = await this.dataSource.transaction((manager) =>
      this.secrets.useLink(manager, token, 'password-reset'),
    );
    if (!spent) return { status: 'invalid' };
    await this.accounts.setPassword(account, password, { via: 'reset' });
    return { status: 'done', device: await this.throttle.ownerProven(account.id) };
  }

  /** « Identifiant oublié »: the identifier, by e-mail, to the address of the account. */
  async remindIdentifier(emailInput: string): Promise<void> {
    await this.throttle.recoveryRequest();
    await this.dataSource.transaction(async (manager) => {
      const email = emailInput.trim().toLowerCase();
      const account = email.includes('@') ? await this.findActive(manager, email) : undefined;
      if (!account || !(await this.underLimit(manager, account.id))) return;
      await this.notifications.enqueueEmail(manager, {
        to: account.email,
        template: 'identifier-reminder',
        data: {
          givenName: account.givenName ?? '',
          identifier: account.identifier,
          signInUrl: `${this.config.publicUrl}/compte`,
        },
        locale: account.locale,
      });
      await this.audit.recordAccountAction(manager, account.id, 'identity.identifier.reminded', { anonymous: true });
    });
  }

  /**
   * A reset link sent on someone else's request (an operator: who never sets nor sees the password), to an active
   * account; audited with that actor.
   */
  async sendLinkFor(accountId: string, by: AuditRecord['actor']): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const account = await manager.getRepository(Account).findOneBy({ id: accountId });
      if (!account || account.status !== 'active') {
        throw new IdentityError(
          IdentityErrorCode.ACCOUNT_NOT_FOUND,
          'Un lien de réinitialisation ne peut être envoyé qu’à un compte actif.',
        );
      }
      await this.sendLink(manager, account, false, by);
    });
  }

  private async sendLink(
    manager: EntityManager,
    account: Account,
    smsUnavailable: boolean,
    by?: AuditRecord['actor'],
  ): Promise<void> {
    await this.secrets.spendAll(manager, account.id, 'password-reset');
    const { token } = await this.secrets.issueLink(manager, {
      accountId: account.id,
      purpose: 'password-reset',
      expiresAt: new Date(Date.now() + RESET_LINK_MINUTES * 60 * 1000),
    });
    await this.notifications.enqueueEmail(manager, {
      to: account.email,
      template: 'password-reset',
      data: {
        givenName: account.givenName ?? '',
        identifier: account.identifier,
        resetUrl: `${this.config.publicUrl}/mot-de-passe-oublie/nouveau/${token}`,
        minutes: RESET_LINK_MINUTES,
        smsUnavailable,
      },
      locale: account.locale,
    });
    if (by) {
      await this.audit.record(
        {
          actor: by,
          action: 'identity.password_reset.requested',
          target: { type: 'account', id: account.id },
          outcome: 'success',
          details: { channel: 'email' },
        },
        manager,
      );
    } else {
      await this.audit.recordAccountAction(manager, account.id, 'identity.password_reset.requested', {
        details: { channel: 'email' },
        anonymous: true,
      });
    }
  }

  private async findActive(manager: EntityManager, login: string): Promise<Account | undefined> {
    const value = login.trim().toLowerCase();
    if (!value) return undefined;
    const account = await manager
      .getRepository(Account)
      .findOneBy(value.includes('@') ? { email: value } : { identifier: value });
    return account?.status === 'active' ? account : undefined;
  }

  /** At most 5 reset or reminder requests per account and hour (the audit trail counts them). */
  private async underLimit(manager: EntityManager, accountId: string): Promise<boolean> {
    const recent = await this.audit.countRecent(manager, {
      targetId: accountId,
      actions: ['identity.password_reset.requested', 'identity.identifier.reminded'],
      since: new Date(Date.now() - 3600 * 1000),
    });
    return recent < REQUESTS_PER_HOUR;
  }
}
