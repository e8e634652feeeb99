import { currentLocale } from '../../platform/i18n/i18n';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from '../../platform/audit';
import { NotificationsService } from '../notifications';
import { certifiedForm, type CertifiedIdentity } from './account.service';
import { ActivationLinks } from './activation-links';
import { Account } from './entities/account.entity';
import { IdentityDocuments } from './identity-documents';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { LEGAL_VERSIONS } from './legal';
import { OrganisationNumbersPort } from './organisation-numbers.port';
import { passwordHasher } from './password-hasher';
import { RegistrationValidator, type RegistrationForm } from './registration-validator';
import { SignInThrottle } from './sign-in.throttle';

export type { RegistrationForm } from './registration-validator';

/** What the person is told after « Valider » (the same whether the e-mail was free or not). */
export interface RegistrationOutcome {
  /**
   * `email`: the activation link has been sent; `choice`: a mobile number was given, so the person chooses between an
   * SMS code and an e-mail link on the next page (nothing sent yet).
   */
  next: 'email' | 'choice';
  /** `null` when the address was already another account's (the same page follows, nothing is sent from it). */
  accountId: string | null;
  email: string;
  mobilePhone: string | null;
  /** The sign-in identifier: the one typed, or the `prénom.nom` proposed. */
  identifier: string;
}

/**
 * Self-service registration (issue « Personal accounts »); activation is `ActivationService`'s, the reminder and
 * purge of pending accounts `PendingAccountsJob`'s. The account is created `pending`, with its
 * activation secret and the message carrying it in the same transaction; it signs in once activated. An e-mail that is
 * already used gets the same answer as a free one (the holder is told by e-mail instead), so the form does not reveal
 * who has an account.
 */
/**
 * The least time a registration takes to answer (`noSoonerThan`), above its slower path (password hashing, then a few
 * inserts): a new account and an address already in use answer at the same time.
 */
export const REGISTRATION_FLOOR_MS = 400;

@Injectable()
export class RegistrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly documents: IdentityDocuments,
    private readonly validator: RegistrationValidator,
    private readonly links: ActivationLinks,
    private readonly throttle: SignInThrottle,
    private readonly organisationNumbers: OrganisationNumbersPort,
  ) {}

  get smsAvailable(): boolean {
    return this.notifications.smsAvailable;
  }

  /**
   * `options.emailOnly`: the company registration in steps (seed 004) activates by the e-mailed link, whatever the
   * mobile number.
   */
  async register(form: RegistrationForm, options: { emailOnly?: boolean } = {}): Promise<RegistrationOutcome> {
    // The activation channel is chosen after « Valider » (seed 003, step 5), not on the form.
    const { values, errors } = await this.validator.validate(form, { activationChannel: 'email' });
    if (Object.keys(errors).length > 0) {
      throw new IdentityError(IdentityErrorCode.REGISTRATION_INVALID, 'Le formulaire contient des erreurs.', errors);
    }
    const passwordHash = await passwordHasher.hash(form.password!);
    const now = new Date();
    const mobilePhone = values.account.mobilePhone ?? null;
    const next = mobilePhone && this.notifications.smsAvailable && !options.emailOnly ? 'choice' : 'email';
    return this.dataSource.transaction(async (manager) => {
      const accounts = manager.getRepository(Account);
      const existing = await accounts.findOneBy({ email: values.email });
      if (existing) {
        // Same answer as a new registration; the holder learns of it by e-mail (a few times an hour), nobody else does.
        if (await this.throttle.mayWarnTakenEmail(manager, existing.email))
          await this.notifications.enqueueEmail(manager, {
            to: existing.email,
            template: 'registration-email-taken',
            data: { signInUrl: `${this.config.publicUrl}/compte` },
            locale: existing.locale,
          });
        return {
          next,
          accountId: null,
          email: values.email,
          mobilePhone,
          identifier: values.account.identifier ?? '',
        };
      }
      const account = await accounts.save(
        accounts.create({
          ...values.account,
          email: values.email,
          // The language of the pages it signed up on: its e-mails' (docs/i18n.md).
          locale: currentLocale(),
          passwordHash,
          status: 'pending',
          termsVersion: LEGAL_VERSIONS.terms,
          termsAcceptedAt: now,
          privacyVersion: LEGAL_VERSIONS.privacy,
          privacyAcceptedAt: now,
        }),
      );
      // The SIREN/SIRET go to the company accounts module, in this transaction: kept with the pending registration.
      if (values.organisationNumbers)
        await this.organisationNumbers.record(manager, account.id, values.organisationNumbers);
      if (values.document) {
        const { kind, buffer, mediaType } = values.document;
        await this.documents.store(manager, account.id, kind, buffer, mediaType);
      }
      if (next === 'email') await this.links.send(manager, account, 'email');
      await this.audit.recordAccountAction(manager, account.id, 'identity.account.registered', {
        details: { profile: account.profile, activation: next },
      });
      return { next, accountId: account.id, email: values.email, mobilePhone, identifier: account.identifier };
    });
  }

  /**
   * Registration after a first FranceConnect sign-in (citizen profile): the identity fields come from FC and are
   * locked; the password is optional; an address other than FC's is confirmed by an activation link first. `link`
   * records the FC identity in the same transaction. An address already in use is said so: only a person FC has just
   * identified reaches this form, and they need to know to choose another address or « J'ai déjà un compte ».
   */
  async registerFederated(
    form: RegistrationForm,
    federated: { identity: CertifiedIdentity; email: string; source: 'franceconnect' },
    link: (manager: EntityManager, accountId: string) => Promise<void>,
  ): Promise<{ accountId: string; status: 'active' | 'pending'; email: string }> {
    const { values, errors } = await this.validator.validate(
      { ...form, ...certifiedForm(federated.identity), profile: 'citoyen' },
      { passwordOptional: true, activationChannel: 'email' },
    );
    if (!errors.email && (await this.dataSource.getRepository(Account).existsBy({ email: values.email }))) {
      errors.email = [
        'Cette adresse électronique est déjà celle d’un autre compte. Si ce compte est le vôtre, revenez en arrière et choisissez « J’ai déjà un compte » ; sinon, saisissez une autre adresse.',
      ];
    }
    if (Object.keys(errors).length > 0) {
      throw new IdentityError(IdentityErrorCode.REGISTRATION_INVALID, 'Le formulaire contient des erreurs.', errors);
    }
    const passwordHash = form.password ? await passwordHasher.hash(form.password) : null;
    const confirmed = values.email === federated.email.trim().toLowerCase();
    const now = new Date();
    return this.dataSource.transaction(async (manager) => {
      const accounts = manager.getRepository(Account);
      const account = await accounts.save(
        accounts.create({
          ...values.account,
          email: values.email,
          // The language of the pages it signed up on: its e-mails' (docs/i18n.md).
          locale: currentLocale(),
          emailVerified: confirmed,
          passwordHash,
          identityCertifiedBy: federated.source,
          status: confirmed ? 'active' : 'pending',
          termsVersion: LEGAL_VERSIONS.terms,
          termsAcceptedAt: now,
          privacyVersion: LEGAL_VERSIONS.privacy,
          privacyAcceptedAt: now,
        }),
      );
      await link(manager, account.id);
      if (!confirmed) await this.links.sendLink(manager, account, 'account-activation');
      await this.audit.recordAccountAction(manager, account.id, 'identity.account.registered', {
        details: { profile: account.profile, via: federated.source, activation: confirmed ? 'none' : 'email' },
      });
      return { accountId: account.id, status: account.status as 'active' | 'pending', email: account.email };
    });
  }
}
