import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService, type AuditRecord } from '../../platform/audit';
import { currentLocale, DEFAULT_LOCALE, t, type Locale } from '../../platform/i18n/i18n';
import { DomainEvents } from '../../platform/events';
import { EMAIL } from './account-format';
import { AccountSecrets } from './account-secrets';
import { AccountService } from './account.service';
import { ActivationLinks, invitationDeadline } from './activation-links';
import { Account, type AccountProfile, type Civility } from './entities/account.entity';
import { IdentifierSuggestions } from './identifier-suggestions';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { LEGAL_VERSIONS } from './legal';
import { passwordHasher } from './password-hasher';
import { FormErrors, text } from './profile-form';

/** An account someone else creates for a person (an administrator for a collaborator, a firm for its client). */
export interface AccountInvitation {
  email: string;
  givenName: string;
  familyName: string;
  civility?: Civility;
  profile?: AccountProfile;
  organisationName?: string;
  /** Who invites: recorded as the actor (an id), and named in the e-mail (« Martin SARL »). */
  invitedBy: { actor: AuditRecord['actor']; name: string };
  /**
   * The invited person's language, when the inviter knows it; French otherwise, whatever the inviter's own pages
   * speak (an English-speaking operator inviting a French client must not send an English e-mail).
   */
  locale?: Locale;
}

/** What the invited person sends from the invitation page. */
export interface InvitationAcceptance {
  password: string;
  passwordConfirmation: string;
  acceptTerms: boolean;
  acceptPrivacy: boolean;
}

/**
 * Invitations: the account is created pending, without a password, and the person receives a link to the page where
 * they choose it (`/invitation/<token>`); the creator never knows it. The link lives `INVITATION_DAYS`; the person is
 * reminded once before (`PendingAccountsJob`); once it expired, the inviter sends a new one. Never purged silently.
 */
@Injectable()
export class InvitationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly secrets: AccountSecrets,
    private readonly links: ActivationLinks,
    private readonly identifiers: IdentifierSuggestions,
    private readonly accounts: AccountService,
  ) {}

  async invite(input: AccountInvitation, now = new Date()): Promise<Account> {
    const email = text(input.email).toLowerCase();
    const givenName = text(input.givenName).slice(0, 128);
    const familyName = text(input.familyName).slice(0, 128);
    const errors = new FormErrors();
    if (!EMAIL.test(email) || email.length > 254) errors.add('email', t('account:errors.emailInvalid'));
    if (!givenName) errors.add('givenName', t('account:errors.givenNameMissing'));
    if (!familyName) errors.add('familyName', t('account:errors.familyNameMissing'));
    if (errors.any)
      throw new IdentityError(IdentityErrorCode.FORM_INVALID, 'Le formulaire contient des erreurs.', errors.fields);
    const identifier = await this.identifiers.propose(givenName, familyName);
    return this.dataSource.transaction(async (manager) => {
      const accounts = manager.getRepository(Account);
      if (await accounts.existsBy({ email })) {
        throw new IdentityError(
          IdentityErrorCode.EMAIL_TAKEN,
          'Cette adresse électronique est déjà celle d’un compte.',
          {
            email: [t('account:errors.emailTaken')],
          },
        );
      }
      const account = await accounts.save(
        accounts.create({
          email,
          identifier,
          givenName,
          familyName,
          civility: input.civility === 'madame' || input.civility === 'monsieur' ? input.civility : null,
          profile: input.profile ?? 'citoyen',
          organisationName: input.organisationName?.trim().slice(0, 200) || null,
          passwordHash: null,
          status: 'pending',
          origin: 'invitation',
          invitedBy: input.invitedBy.actor.id ?? null,
          // The invited person's language is not known unless the inviter gives it: French (the invitation e-mail,
          // its reminder), until the person chooses their password on a page of their own language.
          locale: input.locale ?? DEFAULT_LOCALE,
        }),
      );
      await this.links.sendInvitation(manager, account, {
        invitedBy: input.invitedBy.name,
        expiresAt: invitationDeadline(now),
        reminder: false,
      });
      await this.audit.record(
        {
          actor: input.invitedBy.actor,
          action: 'identity.account.invited',
          target: { type: 'account', id: account.id },
          outcome: 'success',
        },
        manager,
      );
      return account;
    });
  }

  /** A new invitation link (the earlier ones spent), for an invited account still pending. */
  async resend(accountId: string, invitedBy: AccountInvitation['invitedBy'], now = new Date()): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const account = await manager.getRepository(Account).findOneBy({ id: accountId });
      if (!account || account.origin !== 'invitation' || account.status !== 'pending')
        throw new IdentityError(IdentityErrorCode.ACCOUNT_NOT_FOUND, 'Aucune invitation en attente pour ce compte.');
      await this.links.sendInvitation(manager, account, {
        invitedBy: invitedBy.name,
        expiresAt: invitationDeadline(now),
        reminder: false,
      });
      await this.audit.record(
        {
          actor: invitedBy.actor,
          action: 'identity.invitation.resent',
          target: { type: 'account', id: accountId },
          outcome: 'success',
        },
        manager,
      );
    });
  }

  /** Whether an invitation link can still be used (the page shows the form, or says it expired). */
  async linkIsValid(token: string): Promise<boolean> {
    return Boolean(await this.secrets.peekLink(this.dataSource.manager, token, 'invitation'));
  }

  /**
   * The invited person chooses their password and accepts the CGU and the personal-data notice (nobody accepted them
   * for them): the account becomes active, its address verified (the link reached it). Single use.
   * `identity.account.activated` follows the commit.
   */
  async accept(token: string, input: InvitationAcceptance): Promise<'activated' | 'invalid'> {
    const secret = await this.secrets.peekLink(this.dataSource.manager, token, 'invitation');
    const account = secret?.accountId ? await this.accounts.get(secret.accountId) : undefined;
    if (!account || account.status !== 'pending' || account.origin !== 'invitation') return 'invalid';
    const errors = new FormErrors();
    this.accounts.checkPassword(account, input.password, input.passwordConfirmation, errors);
    if (!input.acceptTerms) errors.add('acceptTerms', t('account:errors.acceptTerms'));
    if (!input.acceptPrivacy) errors.add('acceptPrivacy', t('account:errors.acceptPrivacy'));
    if (errors.any)
      throw new IdentityError(IdentityErrorCode.FORM_INVALID, 'Le formulaire contient des erreurs.', errors.fields);
    const passwordHash = await passwordHasher.hash(input.password);
    const now = new Date();
    const activated = await this.dataSource.transaction(async (manager) => {
      // Spent first: a link used twice at once activates once.
      if (!(await this.secrets.useLink(manager, token, 'invitation'))) return false;
      const { affected } = await manager.getRepository(Account).update(
        { id: account.id, status: 'pending' },
        {
          passwordHash,
          status: 'active',
          emailVerified: true,
          termsVersion: LEGAL_VERSIONS.terms,
          termsAcceptedAt: now,
          privacyVersion: LEGAL_VERSIONS.privacy,
          privacyAcceptedAt: now,
          // From now on, the e-mails follow the language of the page the person chose their password on.
          locale: currentLocale(),
        },
      );
      if (!affected) return false;
      await this.audit.recordAccountAction(manager, account.id, 'identity.account.activated', {
        details: { channel: 'invitation' },
      });
      return true;
    });
    if (!activated) return 'invalid';
    await this.events.publish('identity.account.activated', {
      accountId: account.id,
      occurredAt: new Date(),
      via: 'invitation',
    });
    return 'activated';
  }
}
