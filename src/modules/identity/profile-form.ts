import type { FieldErrors } from '../../platform/errors';
import { t } from '../../platform/i18n/i18n';
import { parsePhoneNumber } from '../notifications';
import type { Account, AccountProfile, Civility } from './entities/account.entity';
import { OCCUPATIONS } from './legal';
import { checkPassword, describePasswordProblems } from './password-policy';

/** The person's fields as typed in a form (registration, « Mon profil »), before validation. */
export interface PersonForm {
  civility?: string;
  familyName?: string;
  usageName?: string;
  givenName?: string;
  birthDate?: string;
  mobilePhone?: string;
  landlinePhone?: string;
  occupation?: string;
  jobTitle?: string;
  organisationName?: string;
  emailMailing?: boolean;
  smsMailing?: boolean;
}

/** The postal address of « Mon profil ». */
export interface AddressForm {
  establishment?: string;
  addressLine?: string;
  addressComplement?: string;
  postalCode?: string;
  city?: string;
  country?: string;
}

const NAME = /^[\p{L}][\p{L}\s'’-]{0,127}$/u;

/** Collects messages per field (in the request's language where the caller gives them so). */
export class FormErrors {
  readonly fields: FieldErrors = {};
  add(field: string, message: string): void {
    (this.fields[field] ??= []).push(message);
  }
  get any(): boolean {
    return Object.keys(this.fields).length > 0;
  }
}

export const text = (value: string | undefined): string => (value ?? '').trim();

/** Checks the identity and contact fields shared by registration and « Mon profil »; returns the account's values. */
export function readPerson(form: PersonForm, profile: AccountProfile, errors: FormErrors): Partial<Account> {
  const civility = text(form.civility) as Civility;
  if (civility !== 'madame' && civility !== 'monsieur') errors.add('civility', t('registration:errors.civility'));
  const familyName = text(form.familyName);
  if (!NAME.test(familyName)) errors.add('familyName', t('registration:errors.birthName'));
  const usageName = text(form.usageName);
  if (usageName && !NAME.test(usageName)) errors.add('usageName', t('registration:errors.usageName'));
  const givenName = text(form.givenName);
  if (!NAME.test(givenName)) errors.add('givenName', t('registration:errors.givenName'));
  const birthDate = text(form.birthDate);
  if (!validBirthDate(birthDate)) errors.add('birthDate', t('registration:errors.birthDate'));

  const mobile = text(form.mobilePhone) ? parsePhoneNumber(text(form.mobilePhone)) : undefined;
  if (text(form.mobilePhone) && !mobile?.mobile) errors.add('mobilePhone', t('registration:errors.mobilePhone'));
  const landline = text(form.landlinePhone) ? parsePhoneNumber(text(form.landlinePhone)) : undefined;
  if (text(form.landlinePhone) && !landline) errors.add('landlinePhone', t('registration:errors.landlinePhone'));

  const professional = profile !== 'citoyen';
  const occupation = text(form.occupation);
  if (professional && !(OCCUPATIONS as readonly string[]).includes(occupation))
    errors.add('occupation', t('registration:errors.occupation'));
  const jobTitle = text(form.jobTitle).slice(0, 128);
  const organisationName = text(form.organisationName);
  if (professional && (organisationName.length < 2 || organisationName.length > 200)) {
    errors.add(
      'organisationName',
      t(profile === 'entreprise' ? 'registration:errors.companyName' : 'registration:errors.associationName'),
    );
  }
  return {
    civility,
    familyName,
    usageName: usageName || null,
    givenName,
    birthDate,
    mobilePhone: mobile?.e164 ?? null,
    landlinePhone: landline?.e164 ?? null,
    occupation: professional ? occupation : null,
    jobTitle: professional && jobTitle ? jobTitle : null,
    organisationName: professional ? organisationName : null,
    emailMailingConsent: Boolean(form.emailMailing),
    smsMailingConsent: Boolean(form.smsMailing),
  };
}

/** Checks the postal address (all optional; a French postal code has 5 digits). */
export function readAddress(form: AddressForm, errors: FormErrors): Partial<Account> {
  const country = text(form.country) || 'France';
  const postalCode = text(form.postalCode).replace(/\s/g, '');
  const french = /^france$/i.test(country);
  if (postalCode && (french ? !/^\d{5}$/.test(postalCode) : !/^[A-Za-z0-9-]{2,16}$/.test(postalCode)))
    errors.add('postalCode', t(french ? 'registration:errors.postalCodeFrance' : 'registration:errors.postalCode'));
  const fields = [
    ['establishment', 200],
    ['addressLine', 200],
    ['addressComplement', 200],
    ['city', 128],
    ['country', 64],
  ] as const;
  const values: Partial<Account> = { postalCode: postalCode || null };
  for (const [field, max] of fields) {
    const value = field === 'country' ? country : text(form[field]);
    if (value.length > max) errors.add(field, t('registration:errors.tooLong', { max }));
    values[field] = value || null;
  }
  return values;
}

/** A new password and its confirmation, under the policy, against the person's own data. */
export function checkNewPassword(
  password: string,
  confirmation: string,
  personal: Array<string | null | undefined>,
  errors: FormErrors,
  field = 'password',
): void {
  const check = checkPassword(
    password,
    personal.filter((v): v is string => Boolean(v)),
  );
  if (check.problems.length > 0) errors.add(field, describePasswordProblems(check.problems));
  if (password !== confirmation) errors.add(`${field}Confirmation`, t('registration:errors.passwordsDiffer'));
}

function validBirthDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
  const age = (Date.now() - date.getTime()) / (365.25 * 24 * 3600 * 1000);
  return age >= 15 && age <= 130;
}
