import { parseSiret } from '../identity';
import type { FieldErrors } from '../../platform/errors';
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
 * responsable's name and e-mail are required; phones are digits. Returns what to store, or the French messages per
 * field.
 */
export function readIdentity(
  siren: string,
  form: IdentityValues,
): { values: Partial<CompanyAccount>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const add = (field: IdentityField, message: string) => (errors[field] ??= []).push(message);
  const text = (field: IdentityField) => form[field].trim();
  const nic = text('nic').replace(/\s/g, '');
  if (nic && !/^\d{5}$/.test(nic)) add('nic', 'Le NIC compte 5 chiffres, par exemple 00019.');
  else if (nic && !parseSiret(siren + nic))
    add('nic', `Le SIRET ${siren}${nic} n’est pas valide : la clé de contrôle ne correspond pas. Vérifiez le NIC.`);
  if (!text('name')) add('name', 'Saisissez la raison sociale.');
  const civility = text('civility');
  if (civility && civility !== 'madame' && civility !== 'monsieur') add('civility', 'Choisissez Madame ou Monsieur.');
  if (!text('familyName')) add('familyName', 'Saisissez le nom du responsable.');
  const suffix = text('streetSuffix');
  if (suffix && !(STREET_SUFFIXES as readonly string[]).includes(suffix))
    add('streetSuffix', 'Choisissez un suffixe de la liste (bis, ter, quater, quinquies).');
  if (text('streetNumber') && !/^\d{1,5}$/.test(text('streetNumber')))
    add('streetNumber', 'Le numéro de voie est un nombre, par exemple 56.');
  const country = text('country') || 'France';
  const postalCode = text('postalCode').replace(/\s/g, '');
  if (postalCode && /^france$/i.test(country) && !/^\d{5}$/.test(postalCode))
    add('postalCode', 'Le code postal compte 5 chiffres, par exemple 92100.');
  for (const field of ['email', 'technicalContactEmail', 'administrativeContactEmail'] as const) {
    const value = text(field);
    if (field === 'email' && !value) add(field, 'Saisissez l’adresse électronique du responsable.');
    else if (value && !EMAIL.test(value))
      add(field, 'Saisissez une adresse électronique valide, par exemple nom@exemple.fr.');
  }
  const phones = {} as Record<'phone' | 'fax' | 'technicalContactPhone' | 'administrativeContactPhone', string | null>;
  for (const field of ['phone', 'fax', 'technicalContactPhone', 'administrativeContactPhone'] as const) {
    const value = text(field).replace(/[\s.-]/g, '');
    if (value && !PHONE.test(value)) add(field, 'Saisissez un numéro de téléphone (chiffres), par exemple 0149098737.');
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
