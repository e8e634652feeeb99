import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { t } from '../../platform/i18n/i18n';
import { NotificationsService } from '../notifications';
import { EMAIL, identifierRule } from './account-format';
import type { SecretChannel } from './entities/account-secret.entity';
import type { Account, AccountProfile } from './entities/account.entity';
import type { IdentityDocumentKind } from './entities/identity-document.entity';
import { IdentifierSuggestions } from './identifier-suggestions';
import { DOCUMENT_KINDS, DOCUMENT_MAX_BYTES, IdentityDocuments, type DocumentUpload } from './identity-documents';
import { parseRna, parseSiren, parseSiret } from './organisation-numbers';
import {
  FormErrors,
  checkNewPassword,
  readAddress,
  readPerson,
  text,
  type AddressForm,
  type PersonForm,
} from './profile-form';

/** What the registration form sends, as typed (strings), before validation. */
export interface RegistrationForm extends PersonForm, AddressForm {
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

/**
 * The registration form's rules: person, organisation numbers, contract number, identity document, identifier (a
 * proposal when left empty), password policy, consents and activation channel. Returns the values to store and the
 * errors per field, in the request's language (`registration:errors.*`).
 */
@Injectable()
export class RegistrationValidator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly identifiers: IdentifierSuggestions,
    private readonly documents: IdentityDocuments,
  ) {}

  async validate(
    form: RegistrationForm,
    options: { passwordOptional?: boolean; activationChannel?: SecretChannel } = {},
  ) {
    const errors = new FormErrors();
    const person = readPerson(form, form.profile, errors);
    const givenName = person.givenName!;
    const familyName = person.familyName!;
    const email = text(form.email).toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) errors.add('email', t('registration:errors.email'));

    let siren: string | undefined;
    let siret: string | undefined;
    let rna: string | undefined;
    const number = text(form.organisationNumber);
    if (form.profile === 'entreprise') {
      siret = parseSiret(number);
      siren = siret ? siret.slice(0, 9) : parseSiren(number);
      if (!siren) errors.add('organisationNumber', t('registration:errors.companyNumber'));
    }
    if (form.profile === 'association') {
      rna = text(form.rna) ? parseRna(text(form.rna)) : undefined;
      siren = number ? parseSiren(number) : undefined;
      if (text(form.rna) && !rna) errors.add('rna', t('registration:errors.rna'));
      if (number && !siren) errors.add('organisationNumber', t('registration:errors.associationSiren'));
      if (!text(form.rna) && !number) errors.add('rna', t('registration:errors.rnaOrSiren'));
    }
    const contractNumber = text(form.contractNumber);
    if (form.profile === 'entreprise' && this.config.registration.contractNumber !== 'off') {
      if (!contractNumber && this.config.registration.contractNumber === 'required')
        errors.add('contractNumber', t('registration:errors.contractNumberMissing'));
      else if (contractNumber && !/^[A-Za-z0-9][A-Za-z0-9 ./-]{0,63}$/.test(contractNumber))
        errors.add('contractNumber', t('registration:errors.contractNumberShape'));
    }

    const document = form.profile === 'entreprise' ? await this.readDocument(form, errors) : undefined;

    const nameErrors = errors.fields.givenName || errors.fields.familyName;
    const identifier =
      text(form.identifier).toLowerCase() || (!nameErrors ? await this.identifiers.propose(givenName, familyName) : '');
    const identifierState = await this.identifiers.status(identifier);
    if (identifierState === 'invalid') errors.add('identifier', identifierRule());
    if (identifierState === 'taken')
      errors.add(
        'identifier',
        t('registration:identifier.takenProposal', {
          identifier,
          proposal: await this.identifiers.propose(givenName, familyName),
        }),
      );

    if (!options.passwordOptional || form.password || form.passwordConfirmation) {
      checkNewPassword(
        form.password ?? '',
        form.passwordConfirmation ?? '',
        [givenName, familyName, person.usageName, email, identifier],
        errors,
      );
    }

    if (!form.acceptTerms) errors.add('acceptTerms', t('registration:errors.acceptTerms'));
    if (!form.acceptPrivacy) errors.add('acceptPrivacy', t('registration:errors.acceptPrivacy'));

    const activationChannel: SecretChannel =
      options.activationChannel ?? (form.activationChannel === 'sms' ? 'sms' : 'email');
    if (activationChannel === 'sms' && !this.notifications.smsAvailable)
      errors.add('activationChannel', t('registration:errors.smsUnavailable'));
    if (activationChannel === 'sms' && !person.mobilePhone && !errors.fields.mobilePhone)
      errors.add('mobilePhone', t('registration:errors.mobileForSms'));

    // Entreprise (seed 004, step 3 « coordonnées professionnelles »): the professional address, all optional.
    const address = form.profile === 'entreprise' ? readAddress({ ...form, establishment: undefined }, errors) : {};
    const account: Partial<Account> = {
      ...person,
      ...address,
      profile: form.profile,
      identifier,
      rna: rna ?? null,
      contractNumber: form.profile === 'entreprise' && contractNumber ? contractNumber : null,
    };
    const organisationNumbers = siren ? { siren, siret: siret ?? null } : undefined;
    return { values: { account, email, activationChannel, document, organisationNumbers }, errors: errors.fields };
  }

  /** The identity document of an Entreprise registration: kind, presence, size, and type read from the content. */
  private async readDocument(form: RegistrationForm, errors: FormErrors) {
    const kind = text(form.identityDocumentKind) as IdentityDocumentKind;
    if (!(kind in DOCUMENT_KINDS)) errors.add('identityDocumentKind', t('registration:errors.documentKind'));
    const upload = form.identityDocument;
    if (!upload) {
      errors.add(
        'identityDocument',
        t('registration:errors.documentMissing', { max: DOCUMENT_MAX_BYTES / 1024 / 1024 }),
      );
      return undefined;
    }
    if ('problem' in upload) {
      errors.add('identityDocument', documentProblem(upload.problem));
      return undefined;
    }
    const mediaType = await this.documents.detectType(upload.buffer);
    if (!mediaType) {
      errors.add('identityDocument', t('registration:errors.documentType'));
      return undefined;
    }
    return kind in DOCUMENT_KINDS ? { kind, buffer: upload.buffer, mediaType } : undefined;
  }
}

/** Why a file sent as the identity document could not be taken (too large, or unreadable). */
export function documentProblem(problem: 'too-large' | 'unreadable'): string {
  return problem === 'too-large'
    ? t('registration:errors.documentTooLarge', { max: DOCUMENT_MAX_BYTES / 1024 / 1024 })
    : t('registration:errors.documentUnreadable');
}
