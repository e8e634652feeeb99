import { currentLocale } from '../../platform/i18n/i18n';

/**
 * Dates, amounts and sizes of the client space in the language of the page (or of the API: French): French ones as
 * they always were (« 08/01/2024 », « 1 250,50 € », « 12 Ko »), English ones as a British reader expects them
 * (« 8 Jan 2024 », « €1,250.50 », « 12 KB »). Times are Paris time.
 */

/** An item's day (`2024-01-08`, a calendar date without a time zone). */
export function itemDate(iso: string): string {
  if (currentLocale() === 'fr') return iso.split('-').reverse().join('/');
  const day = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(day.getTime())
    ? iso
    : day.toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
}

/** An amount in euros, from cents. */
export function formatAmount(cents: number): string {
  return (cents / 100).toLocaleString(currentLocale() === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
  });
}

/** A day (a request's date). */
export function shortDate(date: Date): string {
  return currentLocale() === 'fr'
    ? date.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })
    : date.toLocaleDateString('en-GB', { timeZone: 'Europe/Paris', day: 'numeric', month: 'short', year: 'numeric' });
}

/** A day and a time (a message). */
export function dateTime(date: Date): string {
  return currentLocale() === 'fr'
    ? date.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' })
    : date.toLocaleString('en-GB', { timeZone: 'Europe/Paris', dateStyle: 'medium', timeStyle: 'short' });
}

/** A file's size. */
export function fileSize(bytes: number): string {
  const fr = currentLocale() === 'fr';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} ${fr ? 'Ko' : 'KB'}`;
  const megabytes = (bytes / 1024 / 1024).toFixed(1);
  return fr ? `${megabytes.replace('.', ',')} Mo` : `${megabytes} MB`;
}
