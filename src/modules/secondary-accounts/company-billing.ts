import type { FieldErrors } from '../../platform/errors';
import { STREET_SUFFIXES, type CompanyAccount } from './entities/company-account.entity';

/** The fields of the « Facturation » tab, in the seed's order (the billing date is shown, not edited). */
export const BILLING_FIELDS = [
  'billingStreetNumber',
  'billingStreetSuffix',
  'billingStreetName',
  'billingAddressComplement',
  'billingPoBox',
  'billingPostalCode',
  'billingCity',
  'billingCountry',
] as const;
export type BillingField = (typeof BILLING_FIELDS)[number];
export type BillingValues = Record<BillingField, string> & { useResponsableAddress: boolean };

export function billingValues(company: CompanyAccount): BillingValues {
  const values = { useResponsableAddress: company.billingUsesResponsableAddress } as BillingValues;
  for (const field of BILLING_FIELDS) values[field] = company[field] ?? '';
  return values;
}

/**
 * Reads the « Facturation » tab. With « Utiliser l'adresse du responsable pour la facturation », the billing address
 * is the responsable's (the fields are kept as typed but not required); otherwise the street name, postal code and
 * city are required.
 */
export function readBilling(form: BillingValues): { values: Partial<CompanyAccount>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const add = (field: BillingField, message: string) => (errors[field] ??= []).push(message);
  const text = (field: BillingField) => form[field].trim();
  const suffix = text('billingStreetSuffix');
  if (suffix && !(STREET_SUFFIXES as readonly string[]).includes(suffix))
    add('billingStreetSuffix', 'Choisissez un suffixe de la liste (bis, ter, quater, quinquies).');
  if (text('billingStreetNumber') && !/^\d{1,5}$/.test(text('billingStreetNumber')))
    add('billingStreetNumber', 'Le numéro de voie est un nombre, par exemple 56.');
  const country = text('billingCountry') || 'France';
  const postalCode = text('billingPostalCode').replace(/\s/g, '');
  if (postalCode && /^france$/i.test(country) && !/^\d{5}$/.test(postalCode))
    add('billingPostalCode', 'Le code postal compte 5 chiffres, par exemple 92100.');
  if (!form.useResponsableAddress) {
    if (!text('billingStreetName') && !text('billingPoBox'))
      add('billingStreetName', 'Saisissez le nom de voie (ou une boîte postale) de l’adresse de facturation.');
    if (!postalCode) add('billingPostalCode', 'Saisissez le code postal de l’adresse de facturation.');
    if (!text('billingCity')) add('billingCity', 'Saisissez la ville de l’adresse de facturation.');
  }
  const orNull = (field: BillingField) => text(field) || null;
  return {
    errors,
    values: {
      billingUsesResponsableAddress: form.useResponsableAddress,
      billingStreetNumber: orNull('billingStreetNumber'),
      billingStreetSuffix: suffix || null,
      billingStreetName: orNull('billingStreetName'),
      billingAddressComplement: orNull('billingAddressComplement'),
      billingPoBox: orNull('billingPoBox'),
      billingPostalCode: postalCode || null,
      billingCity: orNull('billingCity'),
      billingCountry: text('billingCountry') ? country : null,
    },
  };
}

/** « 1 décembre 2026 à 14:05 », Paris time. */
export function frenchDateTime(date: Date): string {
  return date.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
}
