import { currentLocale, t } from '../../platform/i18n/i18n';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from '../../platform/audit';
import { NotificationsService } from '../notifications';
import { EMAIL } from './account-format';
import { ActivationLinks } from './activation-links';
import { Account, type Civility } from './entities/account.entity';
import { IdentifierSuggestions } from './identifier-suggestions';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { LEGAL_VERSIONS, OCCUPATIONS } from './legal';
import { passwordHasher } from './password-hasher';
import { checkNewPassword, FormErrors, text } from './profile-form';
import { SignInThrottle } from './sign-in.throttle';

const NAME = /^[\p{L}][\p{L}\s'’-]{0,127}$/u;

/** The publisher's « Créer mon compte personnel » (a subscription in « auto-déclaration »): the seed's fields. */
export interface PersonalAccountForm {
  /** The identifier: the person signs in with it. */
  email?: string;
  password?: string;
  passwordConfirmation?: string;
  civility?: string;
  familyName?: string;
  givenName?: string;
  /** « Métier », from the platform's list (`OCCUPATIONS`). */
  occupation?: string;
  /** « Fonction », optional. */
  jobTitle?: string;
  acceptTerms?: boolean;
  acceptPrivacy?: boolean;
}

/**
 * A short registration for a person an organisation lets in (the subscriptions' « Créer mon compte personnel »): the
 * account is created pending with the password chosen, and activated by the e-mail link as any registration; the
 * organisation's name is recorded. `alongside` runs in the same transaction once the account exists (a module holds
 * what it gives the account, a seat of a subscription): if it throws, nothing is created. An address that already has
 * an account gets the same answer (`accountId` undefined), its holder told by e-mail, as `register()` does.
 */
@Injectable()
export class PersonalAccountRegistration {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly links: ActivationLinks,
    private readonly identifiers: IdentifierSuggestions,
    private readonly throttle: SignInThrottle,
  ) {}

  async register(
    form: PersonalAccountForm,
    options: {
      organisationName: string;
      alongside?: (manager: EntityManager, accountId: string) => Promise<void>;
    },
  ): Promise<{ accountId: string | undefined; email: string }> {
    const errors = new FormErrors();
    const email = text(form.email).toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) errors.add('email', t('registration:errors.email'));
    const civility = text(form.civility);
    if (civility !== 'madame' && civility !== 'monsieur') errors.add('civility', t('registration:errors.civility'));
    const familyName = text(form.familyName);
    if (!NAME.test(familyName)) errors.add('familyName', t('registration:errors.familyName'));
    const givenName = text(form.givenName);
    if (!NAME.test(givenName)) errors.add('givenName', t('registration:errors.givenName'));
    const occupation = text(form.occupation);
    if (!(OCCUPATIONS as readonly string[]).includes(occupation))
      errors.add('occupation', t('registration:errors.occupation'));
    const jobTitle = text(form.jobTitle);
    if (jobTitle.length > 128) errors.add('jobTitle', t('registration:errors.jobTitle'));
    checkNewPassword(form.password ?? '', form.passwordConfirmation ?? '', [givenName, familyName, email], errors);
    if (!form.acceptTerms) errors.add('acceptTerms', t('registration:errors.acceptTerms'));
    if (!form.acceptPrivacy) errors.add('acceptPrivacy', t('registration:errors.acceptPrivacy'));
    if (errors.any)
      throw new IdentityError(IdentityErrorCode.FORM_INVALID, 'Le formulaire contient des erreurs.', errors.fields);

    const passwordHash = await passwordHasher.hash(form.password!);
    // Two people of the same name registering at once are proposed the same identifier: the second tries another.
    for (let attempt = 1; ; attempt++) {
      const identifier = await this.identifiers.propose(givenName, familyName);
      try {
        return await this.create(
          email,
          identifier,
          passwordHash,
          { civility, familyName, givenName, occupation, jobTitle },
          options,
        );
      } catch (error) {
        // The same address sent twice at once: the second gets the answer of an address already in use.
        if (uniqueViolation(error) === 'UQ_account_email') return { accountId: undefined, email };
        if (attempt >= 5 || uniqueViolation(error) !== 'UQ_account_identifier') throw error;
      }
    }
  }

  private create(
    email: string,
    identifier: string,
    passwordHash: string,
    person: { civility: string; familyName: string; givenName: string; occupation: string; jobTitle: string },
    options: { organisationName: string; alongside?: (manager: EntityManager, accountId: string) => Promise<void> },
  ): Promise<{ accountId: string | undefined; email: string }> {
    const { civility, familyName, givenName, occupation, jobTitle } = person;
    const now = new Date();
    return this.dataSource.transaction(async (manager) => {
      const accounts = manager.getRepository(Account);
      const existing = await accounts.findOneBy({ email });
      if (existing) {
        if (await this.throttle.mayWarnTakenEmail(manager, existing.email))
          await this.notifications.enqueueEmail(manager, {
            to: existing.email,
            template: 'registration-email-taken',
            data: { signInUrl: `${this.config.publicUrl}/compte` },
            locale: existing.locale,
          });
        return { accountId: undefined, email };
      }
      const account = await accounts.save(
        accounts.create({
          email,
          identifier,
          // The language of the pages it signed up on: its e-mails' (docs/i18n.md).
          locale: currentLocale(),
          givenName,
          familyName,
          civility: civility as Civility,
          profile: 'citoyen',
          occupation,
          jobTitle: jobTitle || null,
          organisationName: options.organisationName.slice(0, 200),
          passwordHash,
          status: 'pending',
          termsVersion: LEGAL_VERSIONS.terms,
          termsAcceptedAt: now,
          privacyVersion: LEGAL_VERSIONS.privacy,
          privacyAcceptedAt: now,
        }),
      );
      await options.alongside?.(manager, account.id);
      await this.links.send(manager, account, 'email');
      await this.audit.recordAccountAction(manager, account.id, 'identity.account.registered', {
        details: { profile: account.profile, activation: 'email', form: 'personal-account' },
      });
      return { accountId: account.id, email };
    });
  }
}

/** The unique index a failed insert ran into, if that is why it failed. */
function uniqueViolation(error: unknown): string | undefined {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driverError?.code === '23505' ? driverError.constraint : undefined;
}
