import { t } from '../../platform/i18n/i18n';
import { parsePhoneNumber } from '../notifications';
import type { ClientContact } from './entities/firm-client.entity';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LIMITS: Record<keyof ClientContact, number> = {
  familyName: 128,
  givenName: 128,
  email: 254,
  address: 300,
  postalCode: 10,
  city: 128,
  phone: 30,
  mobile: 30,
};
export const CONTACT_FIELDS = Object.keys(LIMITS) as Array<keyof ClientContact>;

/** Trimmed, the address in lower case, every field present. */
export function normaliseContact(input: Partial<Record<keyof ClientContact, unknown>>): ClientContact {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim().replace(/\s+/g, ' ') : '');
  const contact = Object.fromEntries(CONTACT_FIELDS.map((f) => [f, text(input[f])])) as unknown as ClientContact;
  contact.email = contact.email.toLowerCase();
  return contact;
}

/**
 * What is wrong with the contact details, one message per field (the page's language). `partial`: an invitation needs only the names
 * and the address; the seed's « Mettre à jour mes coordonnées » form requires every field.
 */
export function contactProblems(contact: ClientContact, options: { partial: boolean }): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of CONTACT_FIELDS)
    if (contact[field].length > LIMITS[field]) fields[field] = t('clientSpace:errors.tooLong', { max: LIMITS[field] });
  if (!contact.familyName) fields.familyName = t('clientSpace:errors.familyName');
  if (!contact.givenName) fields.givenName = t('clientSpace:errors.givenName');
  if (!EMAIL.test(contact.email)) fields.email = t('clientSpace:errors.email');
  if (!options.partial) {
    if (!contact.address) fields.address = t('clientSpace:errors.address');
    if (!/^\d{5}$/.test(contact.postalCode)) fields.postalCode = t('clientSpace:errors.postalCode');
    if (!contact.city) fields.city = t('clientSpace:errors.city');
  } else if (contact.postalCode && !/^\d{5}$/.test(contact.postalCode))
    fields.postalCode = t('clientSpace:errors.postalCode');
  for (const field of ['phone', 'mobile'] as const) {
    if (!contact[field]) {
      if (!options.partial) fields[field] = t('clientSpace:errors.phoneMissing');
      continue;
    }
    if (!parsePhoneNumber(contact[field]) && !fields[field]) fields[field] = t('clientSpace:errors.phoneInvalid');
  }
  return fields;
}
