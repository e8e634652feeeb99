import { parseSiret } from '../identity';
import type { FieldErrors } from '../../platform/errors';
import { t } from '../../platform/i18n/i18n';
import { STREET_SUFFIXES, type CompanyAccount } from './entities/company-account.entity';

/** The fields of the « Identité » tab, in the seed's order. */
export const IDENTITY_FIELDS = [
  'nic',
  'name',
  'legalRepresentative',
  'civility',
  'familyName',
  'givenName',
  'streetNumber',
  'streetSuffix',
  'streetName',
  'addressComplement',
  'poBox',
  'postalCode',
  'city',
  'country',
  'email',
  'phone',
  'fax',
  'technicalContactName',
  'technicalContactEmail',
  'technicalContactPhone',
  'administrativeContactName',
  'administrativeContactEmail',
  'administrativeContactPhone',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];
export type IdentityValues = Record<IdentityField, string>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9]{6,19}$/;

/** What the form shows for a company account. */
export function identityValues(company: CompanyAccount): IdentityValues {
  const values = {} as IdentityValues;
  for (const field of IDENTITY_FIELDS) values[field] = company[field] ?? '';
  return values;
}

/** « Copier les informations du responsable » into a contact (`technical` or `administrative`). */
export function copyResponsable(values: IdentityValues, contact: 'technical' | 'administrative'): IdentityValues {
  const name = [values.givenName, values.familyName].filter(Boolean).join(' ');
  return {
    ...values,
    [`${contact}ContactName`]: name,
    [`${contact}ContactEmail`]: values.email,
    [`${contact}ContactPhone`]: values.phone,
  };
}

/**
 * Reads the « Identité » tab: the NIC must form a SIRET whose key holds with the company's SIREN; raison sociale,
 * responsable's name and e-mail are required; phones are digits. Returns what to store, or the messages per field (in
 * the request's language: `company:errors.*`).
 */
export function readIdentity(
  siren: string,
  form: IdentityValues,
): { values: Partial<CompanyAccount>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const add = (field: IdentityField, message: string) => (errors[field] ??= []).push(message);
  const text = (field: IdentityField) => form[field].trim();
  const nic = text('nic').replace(/\s/g, '');
  if (nic && !/^\d{5}$/.test(nic)) add('nic', t('company:errors.nicDigits'));
  else if (nic && !parseSiret(siren + nic)) add('nic', t('company:errors.siretKey', { siret: siren + nic }));
  if (!text('name')) add('name', t('company:errors.nameRequired'));
  const civility = text('civility');
  if (civility && civility !== 'madame' && civility !== 'monsieur') add('civility', t('company:errors.civility'));
  if (!text('familyName')) add('familyName', t('company:errors.familyNameRequired'));
  const suffix = text('streetSuffix');
  if (suffix && !(STREET_SUFFIXES as readonly string[]).includes(suffix))
    add('streetSuffix', t('company:errors.streetSuffix'));
  if (text('streetNumber') && !/^\d{1,5}$/.test(text('streetNumber')))
    add('streetNumber', t('company:errors.streetNumber'));
  const country = text('country') || 'France';
  const postalCode = text('postalCode').replace(/\s/g, '');
  if (postalCode && /^france$/i.test(country) && !/^\d{5}$/.test(postalCode))
    add('postalCode', t('company:errors.postalCode'));
  for (const field of ['email', 'technicalContactEmail', 'administrativeContactEmail'] as const) {
    const value = text(field);
    if (field === 'email' && !value) add(field, t('company:errors.emailRequired'));
    else if (value && !EMAIL.test(value)) add(field, t('company:errors.email'));
  }
  const phones = {} as Record<'phone' | 'fax' | 'technicalContactPhone' | 'administrativeContactPhone', string | null>;
  for (const field of ['phone', 'fax', 'technicalContactPhone', 'administrativeContactPhone'] as const) {
    const value = text(field).replace(/[\s.-]/g, '');
    if (value && !PHONE.test(value)) add(field, t('company:errors.phone'));
    phones[field] = value || null;
  }
  const orNull = (field: IdentityField) => text(field) || null;
  return {
    errors,
    values: {
      nic: nic || null,
      name: text('name'),
      legalRepresentative: orNull('legalRepresentative'),
      civility: (civility || null) as CompanyAccount['civility'],
      familyName: orNull('familyName'),
      givenName: orNull('givenName'),
      streetNumber: orNull('streetNumber'),
      streetSuffix: suffix || null,
      streetName: orNull('streetName'),
      addressComplement: orNull('addressComplement'),
      poBox: orNull('poBox'),
      postalCode: postalCode || null,
      city: orNull('city'),
      country,
      email: text('email').toLowerCase(),
      technicalContactName: orNull('technicalContactName'),
      technicalContactEmail: text('technicalContactEmail').toLowerCase() || null,
      administrativeContactName: orNull('administrativeContactName'),
      administrativeContactEmail: text('administrativeContactEmail').toLowerCase() || null,
      ...phones,
    },
  };
}
