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
 * What is wrong with the contact details, one French message per field. `partial`: an invitation needs only the names
 * and the address; the seed's « Mettre à jour mes coordonnées » form requires every field.
 */
export function contactProblems(contact: ClientContact, options: { partial: boolean }): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of CONTACT_FIELDS)
    if (contact[field].length > LIMITS[field]) fields[field] = `Ce champ compte au plus ${LIMITS[field]} caractères.`;
  if (!contact.familyName) fields.familyName = 'Saisissez le nom.';
  if (!contact.givenName) fields.givenName = 'Saisissez le prénom.';
  if (!EMAIL.test(contact.email))
    fields.email = 'Saisissez une adresse électronique valide, par exemple nom@exemple.fr.';
  if (!options.partial) {
    if (!contact.address) fields.address = 'Saisissez l’adresse.';
    if (!/^\d{5}$/.test(contact.postalCode)) fields.postalCode = 'Le code postal compte 5 chiffres, par exemple 34470.';
    if (!contact.city) fields.city = 'Saisissez la ville.';
  } else if (contact.postalCode && !/^\d{5}$/.test(contact.postalCode))
    fields.postalCode = 'Le code postal compte 5 chiffres, par exemple 34470.';
  for (const field of ['phone', 'mobile'] as const) {
    if (!contact[field]) {
      if (!options.partial) fields[field] = 'Saisissez le numéro, par exemple 04 67 15 98 42.';
      continue;
    }
    if (!parsePhoneNumber(contact[field]) && !fields[field])
      fields[field] = 'Ce numéro n’est pas valide : écrivez-le comme 04 67 15 98 42.';
  }
  return fields;
}
