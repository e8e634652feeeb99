import type { FieldErrors } from '../../platform/errors';
import { t, type Locale } from '../../platform/i18n/i18n';
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
    add('billingStreetSuffix', t('company:errors.streetSuffix'));
  if (text('billingStreetNumber') && !/^\d{1,5}$/.test(text('billingStreetNumber')))
    add('billingStreetNumber', t('company:errors.streetNumber'));
  const country = text('billingCountry') || 'France';
  const postalCode = text('billingPostalCode').replace(/\s/g, '');
  if (postalCode && /^france$/i.test(country) && !/^\d{5}$/.test(postalCode))
    add('billingPostalCode', t('company:errors.postalCode'));
  if (!form.useResponsableAddress) {
    if (!text('billingStreetName') && !text('billingPoBox'))
      add('billingStreetName', t('company:errors.billingStreetName'));
    if (!postalCode) add('billingPostalCode', t('company:errors.billingPostalCode'));
    if (!text('billingCity')) add('billingCity', t('company:errors.billingCity'));
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

/** « 1 décembre 2026 à 14:05 », Paris time; « 1 December 2026 at 14:05 (Paris time) » (an e-mail to its recipient). */
export function localDateTime(date: Date, locale: Locale): string {
  if (locale === 'fr')
    return date.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
  const text = date.toLocaleString('en-GB', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
  return `${text} (Paris time)`;
}
