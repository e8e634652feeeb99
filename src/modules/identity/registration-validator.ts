import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { NotificationsService } from '../notifications';
import { EMAIL, IDENTIFIER_RULE } from './account-format';
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
 * errors per field, in French.
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
      text(form.identifier).toLowerCase() || (!nameErrors ? await this.identifiers.propose(givenName, familyName) : '');
    const identifierState = await this.identifiers.status(identifier);
    if (identifierState === 'invalid') errors.add('identifier', IDENTIFIER_RULE);
    if (identifierState === 'taken')
      errors.add(
        'identifier',
        `L’identifiant « ${identifier} » est déjà pris. Proposition : ${await this.identifiers.propose(givenName, familyName)}.`,
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
    if (activationChannel === 'sms' && !this.notifications.smsAvailable)
      errors.add('activationChannel', 'L’activation par SMS n’est pas disponible : choisissez l’e-mail.');
    if (activationChannel === 'sms' && !person.mobilePhone && !errors.fields.mobilePhone)
      errors.add('mobilePhone', 'Saisissez votre numéro de mobile pour recevoir le code d’activation par SMS.');

    // Entreprise (seed 004, step 3 « coordonnées professionnelles »): the professional address, all optional.
    const address = form.profile === 'entreprise' ? readAddress({ ...form, establishment: undefined }, errors) : {};
    const account: Partial<Account> = {
      ...person,
      ...address,
      profile: form.profile,
      identifier,
      siren: siren ?? null,
      siret: siret ?? null,
      rna: rna ?? null,
      contractNumber: form.profile === 'entreprise' && contractNumber ? contractNumber : null,
    };
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
