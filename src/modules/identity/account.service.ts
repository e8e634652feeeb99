import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from '../../platform/audit';
import { t } from '../../platform/i18n/i18n';
import { DomainEvents } from '../../platform/events';
import { NotificationsService } from '../notifications';
import { AccountAccessPort } from './account-access';
import { EMAIL } from './account-format';
import { AccountSecrets } from './account-secrets';
import { Account, type Civility } from './entities/account.entity';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { LEGAL_VERSIONS } from './legal';
import { localDateTime } from './french-dates';
import { passwordHasher } from './password-hasher';
import { PasswordChangeHooks } from './password-change.hooks';
import { WebSessionStore } from '../../platform/first-party/web-session.store';
import { SignInThrottle } from './sign-in.throttle';
import { IdentityDocuments } from './identity-documents';
import {
  FormErrors,
  checkNewPassword,
  readAddress,
  readPerson,
  text,
  type AddressForm,
  type PersonForm,
} from './profile-form';

/** An e-mail change link lives a day. */
export const EMAIL_CHANGE_HOURS = 24;

/** Where the change comes from: the account space (a session to keep), or a reset link (every session ends). */
export interface PasswordChangeContext {
  /** The account space's web session token to keep signed in. */
  keepWebToken?: string;
  /** The provider session (by the account space's `sid`) to keep. */
  keepSid?: string | null;
  via: 'account' | 'reset';
}

/** The identity fields a certified source provides, and that the person cannot edit while it is linked. */
export interface CertifiedIdentity {
  civility: Civility | null;
  givenName: string;
  familyName: string;
  usageName: string | null;
  birthDate: string | null;
}

/** Certified identity fields (of an account, or from FranceConnect) as a form's values. */
export const certifiedForm = (identity: {
  [K in keyof CertifiedIdentity]: CertifiedIdentity[K] | null;
}): PersonForm => ({
  civility: identity.civility ?? '',
  givenName: identity.givenName ?? '',
  familyName: identity.familyName ?? '',
  usageName: identity.usageName ?? '',
  birthDate: identity.birthDate ?? '',
});

/**
 * What a signed-in person does with the account (« Mon compte »): profile, e-mail, password, data export, deletion.
 * Each change is audited; a password change ends every other session and warns the holder by e-mail.
 */
@Injectable()
export class AccountService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly secrets: AccountSecrets,
    private readonly access: AccountAccessPort,
    private readonly webSessions: WebSessionStore,
    private readonly documents: IdentityDocuments,
    private readonly throttle: SignInThrottle,
    private readonly passwordHooks: PasswordChangeHooks,
  ) {}

  async get(accountId: string): Promise<Account | undefined> {
    return (await this.dataSource.getRepository(Account).findOneBy({ id: accountId })) ?? undefined;
  }

  /**
   * « Mon profil »: identity, contact and address fields. A changed mobile number is no longer verified. Identity
   * fields certified by FranceConnect are kept as they are, whatever the form says.
   */
  async updateProfile(accountId: string, form: PersonForm & AddressForm): Promise<void> {
    const account = await this.require(accountId);
    const errors = new FormErrors();
    const person = account.identityCertifiedBy ? { ...form, ...certifiedForm(account) } : form;
    const values = { ...readPerson(person, account.profile, errors), ...readAddress(form, errors) };
    if (errors.any)
      throw new IdentityError(IdentityErrorCode.FORM_INVALID, 'Le formulaire contient des erreurs.', errors.fields);
    if (values.mobilePhone !== account.mobilePhone) values.mobilePhoneVerified = false;
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Account).update({ id: accountId }, values);
      await this.audit.recordAccountAction(manager, accountId, 'identity.profile.updated');
    });
  }

  /**
   * Sends a confirmation link to the new address and a warning to the old one; the address changes only once the link
   * is used. An address that belongs to another account gets the same answer and no message (nothing to learn here).
   */
  async requestEmailChange(accountId: string, newEmailInput: string, password: string): Promise<string> {
    const account = await this.require(accountId);
    const newEmail = text(newEmailInput).toLowerCase();
    const errors = new FormErrors();
    if (!EMAIL.test(newEmail) || newEmail.length > 254) errors.add('email', t('account:errors.emailInvalid'));
    else if (newEmail === account.email) errors.add('email', t('account:errors.emailSame'));
    if (!(await this.throttle.currentPassword(accountId, () => passwordHasher.verify(account.passwordHash, password))))
      errors.add('currentPassword', t('account:errors.passwordWrong'));
    if (errors.any)
      throw new IdentityError(IdentityErrorCode.FORM_INVALID, 'Le formulaire contient des erreurs.', errors.fields);
    await this.dataSource.transaction(async (manager) => {
      if (await manager.getRepository(Account).existsBy({ email: newEmail })) return;
      await this.secrets.spendAll(manager, accountId, 'email-change');
      const { token } = await this.secrets.issueLink(manager, {
        accountId,
        purpose: 'email-change',
        expiresAt: new Date(Date.now() + EMAIL_CHANGE_HOURS * 3600 * 1000),
        data: { email: newEmail },
      });
      const common = { givenName: account.givenName ?? '', identifier: account.identifier, newEmail };
      await this.notifications.enqueueEmail(manager, {
        to: newEmail,
        template: 'email-change-confirm',
        data: { ...common, confirmUrl: `${this.config.publicUrl}/compte/adresse/${token}`, hours: EMAIL_CHANGE_HOURS },
        locale: account.locale,
      });
      await this.notifications.enqueueEmail(manager, {
        to: account.email,
        template: 'email-change-warning',
        data: { ...common, recoveryUrl: `${this.config.publicUrl}/mot-de-passe-oublie` },
        locale: account.locale,
      });
      await this.audit.recordAccountAction(manager, accountId, 'identity.email_change.requested');
    });
    return newEmail;
  }

  /**
   * The link of the new address, opened by the signed-in account it was sent for: the address becomes the account's
   * (verified). A link of another account is not valid here, and stays unspent.
   */
  async confirmEmailChange(token: string, accountId: string): Promise<'changed' | 'invalid' | 'taken'> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const peeked = await this.secrets.peekLink(manager, token, 'email-change');
      if (!peeked || peeked.accountId !== accountId) return { result: 'invalid' as const };
      const secret = await this.secrets.useLink(manager, token, 'email-change');
      const email = secret?.data?.email;
      if (!secret?.accountId || !email) return { result: 'invalid' as const };
      const accounts = manager.getRepository(Account);
      if (await accounts.existsBy({ email })) return { result: 'taken' as const };
      await accounts.update({ id: secret.accountId }, { email, emailVerified: true });
      await this.audit.recordAccountAction(manager, secret.accountId, 'identity.email.changed');
      return { result: 'changed' as const, accountId: secret.accountId, email };
    });
    if (outcome.result === 'changed') {
      const { accountId, email } = outcome;
      await this.events.publish('identity.account.email-changed', { accountId, occurredAt: new Date(), email });
    }
    return outcome.result;
  }

  /**
   * « Mot de passe »: the current one, then the new one twice. An account created through FranceConnect without a
   * password sets its first one here (no current password to give).
   */
  async changePassword(
    accountId: string,
    input: { currentPassword: string; password: string; passwordConfirmation: string },
    context: PasswordChangeContext,
  ): Promise<void> {
    const account = await this.require(accountId);
    const errors = new FormErrors();
    const current = () => passwordHasher.verify(account.passwordHash, input.currentPassword);
    if (account.passwordHash && !(await this.throttle.currentPassword(accountId, current)))
      errors.add('currentPassword', t('account:errors.currentPasswordWrong'));
    this.checkPassword(account, input.password, input.passwordConfirmation, errors);
    if (errors.any)
      throw new IdentityError(IdentityErrorCode.FORM_INVALID, 'Le formulaire contient des erreurs.', errors.fields);
    await this.setPassword(account, input.password, context);
  }

  /** The policy, against the person's own data. */
  checkPassword(account: Account, password: string, confirmation: string, errors: FormErrors): void {
    checkNewPassword(
      password,
      confirmation,
      [account.givenName, account.familyName, account.usageName, account.email, account.identifier],
      errors,
    );
  }

  /**
   * Sets the password, ends every other session (provider sessions with their sites, account-space sessions) and warns
   * the holder by e-mail; the modules' `PasswordChangeHooks` run in the same transaction. The sessions are ended after the commit: the provider's state is read on other connections.
   */
  async setPassword(account: Account, password: string, context: PasswordChangeContext): Promise<void> {
    const passwordHash = await passwordHasher.hash(password);
    const now = new Date();
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Account).update({ id: account.id }, { passwordHash });
      await this.notifications.enqueueEmail(manager, {
        to: account.email,
        template: 'password-changed',
        data: {
          givenName: account.givenName ?? '',
          identifier: account.identifier,
          changedAt: localDateTime(now, account.locale),
          recoveryUrl: `${this.config.publicUrl}/mot-de-passe-oublie`,
        },
        locale: account.locale,
      });
      await this.audit.recordAccountAction(manager, account.id, 'identity.password.changed', {
        details: { via: context.via },
      });
      await this.passwordHooks.run(manager, {
        accountId: account.id,
        occurredAt: now,
        via: context.via,
        locale: account.locale,
      });
    });
    await this.endOtherSessions(account.id, context);
    await this.events.publish('identity.account.password-changed', {
      accountId: account.id,
      occurredAt: now,
      via: context.via,
    });
  }

  /** Everything the platform holds about the person (« Mes données »), as one JSON document. */
  async exportData(accountId: string): Promise<Record<string, unknown>> {
    const account = await this.require(accountId);
    const { passwordHash: _hash, ...fields } = account;
    const events = (await this.audit.trailOf(accountId)).map((event) => ({
      occurred_at: event.occurredAt,
      action: event.action,
      outcome: event.outcome,
      actor_type: event.actorType,
      target_type: event.targetType,
      target_id: event.targetId,
      // The address and browser are the person's own only when they acted; those of an inviter, an operator or an
      // anonymous requester are not theirs to receive.
      ...(event.actorId === accountId ? { ip_address: event.ipAddress, user_agent: event.userAgent } : {}),
      details: event.details,
    }));
    return {
      exportedAt: new Date().toISOString(),
      account: { ...fields, hasPassword: Boolean(account.passwordHash) },
      sessions: await this.access.sessions(accountId),
      consentedSites: await this.access.consentedSites(accountId),
      identityDocuments: (await this.documents.forAccount(accountId)).map(
        ({ id, kind, mediaType, size, createdAt }) => ({
          id,
          kind,
          mediaType,
          size,
          createdAt,
        }),
      ),
      auditTrail: events,
    };
  }

  /**
   * Deletes the account after its password: sessions and grants end, personal data goes. The audit trail is
   * append-only and names the account by its random id only, which no longer leads to a name or an e-mail once the
   * account row is gone: it keeps a pseudonymous record, the deletion included.
   */
  async deleteAccount(accountId: string, password: string): Promise<void> {
    const account = await this.require(accountId);
    if (
      !(await this.throttle.currentPassword(accountId, () => passwordHasher.verify(account.passwordHash, password)))
    ) {
      throw new IdentityError(IdentityErrorCode.FORM_INVALID, 'Le formulaire contient des erreurs.', {
        password: [t('account:errors.passwordWrong')],
      });
    }
    await this.remove(account, { type: 'account', id: accountId });
  }

  /**
   * Deletes the account on an operator's decision (the console, after its typed confirmation): the same as a deletion
   * by the holder, the operator recorded as the actor.
   */
  async deleteByOperator(accountId: string, operatorId: string): Promise<void> {
    await this.remove(await this.require(accountId), { type: 'operator', id: operatorId });
  }

  private async remove(account: Account, by: { type: 'account' | 'operator'; id: string }): Promise<void> {
    const accountId = account.id;
    await this.webSessions.closeAllForAccount(accountId);
    await this.access.endAllSessions(accountId);
    await this.documents.deleteFiles(accountId);
    for (const site of await this.access.consentedSites(accountId))
      await this.access.revokeSite(accountId, site.clientId);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Account).delete({ id: accountId });
      await this.notifications.enqueueEmail(manager, {
        to: account.email,
        template: 'account-deleted',
        data: {
          givenName: account.givenName ?? '',
          identifier: account.identifier,
          deletedAt: localDateTime(new Date(), account.locale),
        },
        locale: account.locale,
      });
      if (by.type === 'account') await this.audit.recordAccountAction(manager, accountId, 'identity.account.deleted');
      else
        await this.audit.record(
          {
            actor: by,
            action: 'identity.account.deleted',
            target: { type: 'account', id: accountId },
            outcome: 'success',
          },
          manager,
        );
    });
    await this.events.publish('identity.account.deleted', {
      accountId,
      occurredAt: new Date(),
      reason: by.type === 'account' ? 'by-holder' : 'by-operator',
    });
  }

  /** Records the acceptance of the current CGU and personal-data notice (after a new version). */
  async acceptLegal(accountId: string): Promise<void> {
    const now = new Date();
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Account).update(
        { id: accountId },
        {
          termsVersion: LEGAL_VERSIONS.terms,
          termsAcceptedAt: now,
          privacyVersion: LEGAL_VERSIONS.privacy,
          privacyAcceptedAt: now,
        },
      );
      await this.audit.recordAccountAction(manager, accountId, 'identity.terms.accepted', {
        details: { terms: LEGAL_VERSIONS.terms },
      });
    });
  }

  /**
   * Sets the identity fields from a certified source (FranceConnect) and locks them, or unlocks them (`null`: the
   * values stay, the person may edit them again). In the caller's transaction.
   */
  async certifyIdentity(
    manager: EntityManager,
    accountId: string,
    certified: { source: 'franceconnect'; fields: CertifiedIdentity } | null,
  ): Promise<void> {
    await manager
      .getRepository(Account)
      .update(
        { id: accountId },
        certified ? { ...certified.fields, identityCertifiedBy: certified.source } : { identityCertifiedBy: null },
      );
  }

  private async endOtherSessions(accountId: string, context: PasswordChangeContext): Promise<void> {
    await this.webSessions.closeAllForAccount(accountId, context.keepWebToken);
    await this.access.endAllSessions(accountId, context.keepSid);
  }

  private async require(accountId: string): Promise<Account> {
    const account = await this.get(accountId);
    if (!account) throw new IdentityError(IdentityErrorCode.ACCOUNT_NOT_FOUND, 'Compte introuvable.');
    return account;
  }
}
