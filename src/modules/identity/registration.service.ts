import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from '../../platform/audit';
import { ExclusiveJobRunner } from '../../platform/jobs/exclusive-job.runner';
import { NotificationsService } from '../notifications';
import { EMAIL, IDENTIFIER, IDENTIFIER_RULE } from './account-format';
import { AccountSecrets, CODE_MINUTES, type CodeCheck } from './account-secrets';
import type { IdentityDocumentKind } from './entities/identity-document.entity';
import { DOCUMENT_KINDS, DOCUMENT_MAX_BYTES, IdentityDocuments, type DocumentUpload } from './identity-documents';
import { AccountSecret, type SecretChannel } from './entities/account-secret.entity';
import { Account, type AccountProfile } from './entities/account.entity';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { LEGAL_VERSIONS } from './legal';
import { parseRna, parseSiren, parseSiret } from './organisation-numbers';
import { passwordHasher } from './password-hasher';
import { SignInThrottle } from './sign-in.throttle';
import { frenchDate } from './french-dates';
import { certifiedForm, type CertifiedIdentity } from './account.service';
import { FormErrors, checkNewPassword, readPerson, text, type PersonForm } from './profile-form';

/** What the registration form sends, as typed (strings), before validation. */
export interface RegistrationForm extends PersonForm {
  profile: AccountProfile;
  email?: string;
  /** Entreprise: a SIREN or a SIRET; Association: a SIREN. */
  organisationNumber?: string;
  rna?: string;
  contractNumber?: string;
  identifier?: string;
  password?: string;
  passwordConfirmation?: string;
  acceptTerms?: boolean;
  acceptPrivacy?: boolean;
  activationChannel?: string;
  /** Entreprise: the identity document sent with the form, and its kind. */
  identityDocument?: DocumentUpload;
  identityDocumentKind?: string;
}

/** What the person is told after « Valider » (the same whether the e-mail was free or not). */
export interface RegistrationOutcome {
  channel: SecretChannel;
  email: string;
  /** For the SMS code page. */
  ticket: string;
}

export type ActivationResult = 'activated' | 'invalid';
export type CodeResult = { status: 'activated' } | Exclude<CodeCheck, { status: 'valid' }>;

export const ACTIVATION_LINK_DAYS = 30;
/** The reminder before the purge goes this many days before it. */
export const ACTIVATION_REMINDER_DAYS = 5;

/**
 * Self-service registration and activation (issue « Personal accounts »). The account is created `pending`, with its
 * activation secret and the message carrying it in the same transaction; it signs in once activated. An e-mail that is
 * already used gets the same answer as a free one (the holder is told by e-mail instead), so the form does not reveal
 * who has an account.
 */
@Injectable()
export class RegistrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly jobs: ExclusiveJobRunner,
    private readonly secrets: AccountSecrets,
    private readonly documents: IdentityDocuments,
    private readonly throttle: SignInThrottle,
  ) {}

  get smsAvailable(): boolean {
    return this.notifications.smsAvailable;
  }

  /** `prénom.nom`, lower case, without accents or spaces, made unique (`marie.dupont2`). */
  async proposeIdentifier(givenName: string, familyName: string): Promise<string> {
    const base = `${slug(givenName)}.${slug(familyName)}`.replace(/^\.+|\.+$/g, '').slice(0, 60) || 'utilisateur';
    const padded = base.length >= 3 ? base : `${base}${'0'.repeat(3 - base.length)}`;
    const rows: Array<{ identifier: string }> = await this.dataSource.query(
      `SELECT identifier FROM account WHERE identifier = $1 OR identifier ~ ('^' || $2 || '[0-9]+$')`,
      [padded, padded.replace(/[.]/g, '\\.')],
    );
    const taken = new Set(rows.map((r) => r.identifier));
    if (!taken.has(padded)) return padded;
    for (let n = 2; ; n++) if (!taken.has(`${padded}${n}`)) return `${padded}${n}`;
  }

  /** Whether an identifier is well formed and free (the live check of the form). */
  async identifierStatus(identifier: string): Promise<'available' | 'taken' | 'invalid'> {
    const value = identifier.trim().toLowerCase();
    if (!IDENTIFIER.test(value)) return 'invalid';
    return (await this.dataSource.getRepository(Account).existsBy({ identifier: value })) ? 'taken' : 'available';
  }

  async register(form: RegistrationForm): Promise<RegistrationOutcome> {
    const { values, errors } = await this.validate(form);
    if (Object.keys(errors).length > 0) {
      throw new IdentityError(IdentityErrorCode.REGISTRATION_INVALID, 'Le formulaire contient des erreurs.', errors);
    }
    const passwordHash = await passwordHasher.hash(form.password!);
    const now = new Date();
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
          });
        const decoy = await this.secrets.issueCode(manager, { accountId: null, purpose: 'activation' });
        return { channel: values.activationChannel, email: values.email, ticket: decoy.id };
      }
      const account = await accounts.save(
        accounts.create({
          ...values.account,
          email: values.email,
          passwordHash,
          status: 'pending',
          termsVersion: LEGAL_VERSIONS.terms,
          termsAcceptedAt: now,
          privacyVersion: LEGAL_VERSIONS.privacy,
          privacyAcceptedAt: now,
        }),
      );
      if (values.document) {
        const { kind, buffer, mediaType } = values.document;
        await this.documents.store(manager, account.id, kind, buffer, mediaType);
      }
      const ticket = await this.sendActivation(manager, account, values.activationChannel);
      await this.audit.record(
        {
          actor: { type: 'account', id: account.id },
          action: 'identity.account.registered',
          target: { type: 'account', id: account.id },
          outcome: 'success',
          details: { profile: account.profile, activation: values.activationChannel },
        },
        manager,
      );
      return { channel: values.activationChannel, email: values.email, ticket };
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
    const { values, errors } = await this.validate(
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
      if (!confirmed) await this.sendActivationLink(manager, account, 'account-activation');
      await this.audit.record(
        {
          actor: { type: 'account', id: account.id },
          action: 'identity.account.registered',
          target: { type: 'account', id: account.id },
          outcome: 'success',
          details: { profile: account.profile, via: federated.source, activation: confirmed ? 'none' : 'email' },
        },
        manager,
      );
      return { accountId: account.id, status: account.status as 'active' | 'pending', email: account.email };
    });
  }

  /** Activates the account of an e-mail link (single use). */
  async activateByLink(token: string): Promise<ActivationResult> {
    return this.dataSource.transaction(async (manager) => {
      const secret = await this.secrets.useLink(manager, token, 'activation');
      if (!secret?.accountId) return 'invalid';
      await this.activate(manager, secret.accountId, 'email');
      return 'activated';
    });
  }

  /** Checks an SMS code of a ticket: 10 minutes, 5 tries. */
  async activateByCode(ticket: string, code: string): Promise<CodeResult> {
    return this.dataSource.transaction(async (manager) => {
      const check = await this.secrets.useCode(manager, ticket, code, 'activation');
      if (check.status !== 'valid') return check;
      await this.activate(manager, check.secret.accountId!, 'sms');
      return { status: 'activated' };
    });
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
      if (!secret || !account || account.status !== 'pending') {
        const decoy = await this.secrets.issueCode(manager, { accountId: null, purpose: 'activation' });
        return { ticket: decoy.id, channel: 'sms' };
      }
      const [{ recent }] = await manager.query<Array<{ recent: number }>>(
        `SELECT count(*)::int AS recent FROM account_secret
         WHERE account_id = $1 AND purpose = 'activation' AND created_at > now() - interval '1 hour'`,
        [account.id],
      );
      if (recent >= 5) {
        throw new IdentityError(
          IdentityErrorCode.TOO_MANY_REQUESTS,
          'Vous avez demandé trop de nouveaux codes. Réessayez dans une heure.',
        );
      }
      const channel: SecretChannel = secret.channel === 'sms' && account.mobilePhone ? 'sms' : 'email';
      return { ticket: await this.sendActivation(manager, account, channel), channel };
    });
  }

  /** A ticket that lets a person who just proved the password of a pending account ask for a new activation. */
  async resendTicketFor(accountId: string): Promise<string> {
    const secret = await this.dataSource
      .getRepository(AccountSecret)
      .findOne({ where: { accountId, purpose: 'activation' }, order: { createdAt: 'DESC' } });
    return secret?.id ?? randomUUID();
  }

  @Cron(CronExpression.EVERY_HOUR)
  async purgeScheduled(): Promise<void> {
    const now = new Date();
    await this.remindUnactivated(now);
    await this.purgeUnactivated(now);
  }

  /**
   * Reminds, once, the people whose account is still pending 5 days before its deletion: a new activation link by
   * e-mail (the earlier ones spent). `now` is a parameter so that tests control the clock. Returns how many were sent.
   */
  async remindUnactivated(now: Date): Promise<number> {
    let sent = 0;
    await this.jobs.run('identity.pending.remind', async (manager) => {
      const accounts = await manager
        .getRepository(Account)
        .createQueryBuilder('account')
        .where(`account.status = 'pending' AND account.activation_reminded_at IS NULL`)
        .andWhere(`account.created_at < :now::timestamptz - make_interval(days => :days)`, {
          now: now.toISOString(),
          days: ACTIVATION_LINK_DAYS - ACTIVATION_REMINDER_DAYS,
        })
        .getMany();
      for (const account of accounts) {
        await this.sendActivationLink(manager, account, 'activation-reminder');
        await manager.getRepository(Account).update({ id: account.id }, { activationRemindedAt: now });
      }
      sent = accounts.length;
    });
    return sent;
  }

  /**
   * Deletes the accounts still pending activation 30 days after registration (their secrets go with them), with a
   * pseudonymous audit record. `now` is a parameter so that tests control the clock. Returns how many were deleted.
   */
  async purgeUnactivated(now: Date): Promise<number> {
    let deleted = 0;
    await this.jobs.run('identity.pending.purge', async (manager) => {
      const [rows] = await manager.query<[Array<{ id: string }>, number]>(
        `DELETE FROM account WHERE status = 'pending' AND created_at < $1::timestamptz - make_interval(days => $2)
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
      deleted = rows.length;
    });
    return deleted;
  }

  private async sendActivation(manager: EntityManager, account: Account, channel: SecretChannel): Promise<string> {
    if (channel === 'sms') {
      await this.secrets.spendAll(manager, account.id, 'activation');
      const { id, code } = await this.secrets.issueCode(manager, { accountId: account.id, purpose: 'activation' });
      await this.notifications.enqueueSms(manager, {
        to: account.mobilePhone!,
        template: 'activation-code',
        data: { code, minutes: CODE_MINUTES },
      });
      return id;
    }
    return this.sendActivationLink(manager, account, 'account-activation');
  }

  /** A new activation link by e-mail (the earlier ones spent), valid until the purge date. Returns its ticket. */
  private async sendActivationLink(
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
        deadline: frenchDate(deadline),
      },
    });
    return id;
  }

  private async activate(manager: EntityManager, accountId: string, channel: SecretChannel): Promise<void> {
    await manager
      .getRepository(Account)
      .update(
        { id: accountId, status: 'pending' },
        channel === 'sms' ? { status: 'active', mobilePhoneVerified: true } : { status: 'active', emailVerified: true },
      );
    await this.audit.record(
      {
        actor: { type: 'account', id: accountId },
        action: 'identity.account.activated',
        target: { type: 'account', id: accountId },
        outcome: 'success',
        details: { channel },
      },
      manager,
    );
  }

  private async validate(
    form: RegistrationForm,
    options: { passwordOptional?: boolean; activationChannel?: SecretChannel } = {},
  ) {
    const errors = new FormErrors();
    const person = readPerson(form, form.profile, errors);
    const givenName = person.givenName!;
    const familyName = person.familyName!;
    const email = text(form.email).toLowerCase();
    if (!EMAIL.test(email) || email.length > 254)
      errors.add('email', 'Saisissez une adresse électronique valide, par exemple nom@exemple.fr.');

    let siren: string | undefined;
    let siret: string | undefined;
    let rna: string | undefined;
    const number = text(form.organisationNumber);
    if (form.profile === 'entreprise') {
      siret = parseSiret(number);
      siren = siret ? siret.slice(0, 9) : parseSiren(number);
      if (!siren)
        errors.add(
          'organisationNumber',
          'Saisissez un SIREN (9 chiffres) ou un SIRET (14 chiffres) valide : la clé de contrôle ne correspond pas.',
        );
    }
    if (form.profile === 'association') {
      rna = text(form.rna) ? parseRna(text(form.rna)) : undefined;
      siren = number ? parseSiren(number) : undefined;
      if (text(form.rna) && !rna)
        errors.add('rna', 'Le numéro RNA commence par W suivi de 9 chiffres, par exemple W751234567.');
      if (number && !siren)
        errors.add(
          'organisationNumber',
          'Saisissez un SIREN valide (9 chiffres) : la clé de contrôle ne correspond pas.',
        );
      if (!text(form.rna) && !number) errors.add('rna', 'Saisissez le numéro RNA ou le SIREN de l’association.');
    }
    const contractNumber = text(form.contractNumber);
    if (form.profile === 'entreprise' && this.config.registration.contractNumber !== 'off') {
      if (!contractNumber && this.config.registration.contractNumber === 'required')
        errors.add('contractNumber', 'Saisissez votre numéro de contrat.');
      else if (contractNumber && !/^[A-Za-z0-9][A-Za-z0-9 ./-]{0,63}$/.test(contractNumber))
        errors.add(
          'contractNumber',
          'Le numéro de contrat ne contient que des lettres, chiffres, espaces, points ou tirets.',
        );
    }

    const document = form.profile === 'entreprise' ? await this.readDocument(form, errors) : undefined;

    const nameErrors = errors.fields.givenName || errors.fields.familyName;
    const identifier =
      text(form.identifier).toLowerCase() || (!nameErrors ? await this.proposeIdentifier(givenName, familyName) : '');
    const identifierState = await this.identifierStatus(identifier);
    if (identifierState === 'invalid') errors.add('identifier', IDENTIFIER_RULE);
    if (identifierState === 'taken')
      errors.add(
        'identifier',
        `L’identifiant « ${identifier} » est déjà pris. Proposition : ${await this.proposeIdentifier(givenName, familyName)}.`,
      );

    if (!options.passwordOptional || form.password || form.passwordConfirmation) {
      checkNewPassword(
        form.password ?? '',
        form.passwordConfirmation ?? '',
        [givenName, familyName, person.usageName, email, identifier],
        errors,
      );
    }

    if (!form.acceptTerms) errors.add('acceptTerms', 'Vous devez accepter les conditions générales d’utilisation.');
    if (!form.acceptPrivacy)
      errors.add('acceptPrivacy', 'Vous devez accepter le traitement de vos données personnelles.');

    const activationChannel: SecretChannel =
      options.activationChannel ?? (form.activationChannel === 'sms' ? 'sms' : 'email');
    if (activationChannel === 'sms' && !this.smsAvailable)
      errors.add('activationChannel', 'L’activation par SMS n’est pas disponible : choisissez l’e-mail.');
    if (activationChannel === 'sms' && !person.mobilePhone && !errors.fields.mobilePhone)
      errors.add('mobilePhone', 'Saisissez votre numéro de mobile pour recevoir le code d’activation par SMS.');

    const account: Partial<Account> = {
      ...person,
      profile: form.profile,
      identifier,
      siren: siren ?? null,
      siret: siret ?? null,
      rna: rna ?? null,
      contractNumber: form.profile === 'entreprise' && contractNumber ? contractNumber : null,
    };
    if (document && errors.any && !errors.fields.identityDocument) {
      errors.add(
        'identityDocument',
        'Par sécurité, le fichier joint n’est pas conservé quand le formulaire contient des erreurs : sélectionnez-le de nouveau.',
      );
    }
    return { values: { account, email, activationChannel, document }, errors: errors.fields };
  }

  /** The identity document of an Entreprise registration: kind, presence, size, and type read from the content. */
  private async readDocument(form: RegistrationForm, errors: FormErrors) {
    const kind = text(form.identityDocumentKind) as IdentityDocumentKind;
    if (!(kind in DOCUMENT_KINDS)) errors.add('identityDocumentKind', 'Choisissez le type de pièce d’identité.');
    const upload = form.identityDocument;
    const limit = `${DOCUMENT_MAX_BYTES / 1024 / 1024} Mo`;
    if (!upload) {
      errors.add('identityDocument', `Joignez votre pièce d’identité (PNG, JPG ou PDF, ${limit} au plus).`);
      return undefined;
    }
    if ('problem' in upload) {
      errors.add(
        'identityDocument',
        upload.problem === 'too-large'
          ? `Le fichier dépasse ${limit} : joignez un fichier plus léger (une photo ou un scan suffit).`
          : 'Le fichier n’a pas pu être lu : joignez-le de nouveau.',
      );
      return undefined;
    }
    const mediaType = await this.documents.detectType(upload.buffer);
    if (!mediaType) {
      errors.add(
        'identityDocument',
        'Ce fichier n’est ni une image PNG ou JPG, ni un PDF : son contenu a été vérifié, pas seulement son nom.',
      );
      return undefined;
    }
    return kind in DOCUMENT_KINDS ? { kind, buffer: upload.buffer, mediaType } : undefined;
  }
}

function slug(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
/** The day an unactivated account is deleted. */
function purgeDate(createdAt: Date): Date {
  return new Date(createdAt.getTime() + ACTIVATION_LINK_DAYS * 24 * 3600 * 1000);
}
