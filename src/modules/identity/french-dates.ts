import type { Locale } from '../../platform/i18n/i18n';
/** Dates as French people read them in pages and e-mails, in metropolitan French time. */
export function frenchDate(date: Date): string {
  return date.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
}

/** A date in a language (an e-mail to its recipient): « 23 novembre 2026 », « 23 November 2026 ». */
export function localDate(date: Date, locale: Locale): string {
  return locale === 'fr'
    ? frenchDate(date)
    : date.toLocaleDateString('en-GB', { timeZone: 'Europe/Paris', dateStyle: 'long' });
}

/** A date and time in a language: « 23 novembre 2026 à 10:00 », « 23 November 2026 at 10:00 (Paris time) ». */
export function localDateTime(date: Date, locale: Locale): string {
  if (locale === 'fr') return frenchDateTime(date);
  const text = date.toLocaleString('en-GB', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
  return `${text} (Paris time)`;
}

/** « 23 novembre 2026 à 10:00 ». */
export function frenchDateTime(date: Date): string {
  return date.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
}
