import { currentLocale } from '../../platform/i18n/i18n';

/**
 * Dates and times of the console, in Paris time, as the page's language writes them: « 1 décembre 2026 à 10:35 »,
 * « 01/12/2026 10:35:12 » in French (as before), « 1 December 2026 at 10:35 », « 01/12/2026, 10:35:12 » in English.
 */
export function consoleDateTimeFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(currentLocale() === 'en' ? 'en-GB' : 'fr-FR', {
    ...options,
    timeZone: 'Europe/Paris',
  });
}

export function consoleDateTime(
  date: Date,
  dateStyle: 'long' | 'short' = 'short',
  timeStyle: 'medium' | 'short' = 'medium',
): string {
  return consoleDateTimeFormat({ dateStyle, timeStyle }).format(date);
}
