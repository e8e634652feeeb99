import { currentLocale, translate, type Locale } from '../../platform/i18n/i18n';

/**
 * A message of the `subscriptions` catalogue with its values, kept as such until it is shown: pages render it in the
 * request's language, while the JSON API's problem details, the command line and the audit trail keep the French.
 * A value may itself be a message (rendered in the same language).
 */
export interface Message {
  key: string;
  values?: Record<string, unknown>;
}

export const message = (key: string, values?: Record<string, unknown>): Message => ({
  key,
  ...(values ? { values } : {}),
});

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).key === 'string';
}

/** The message in a language (French by default: the API, the command line, the audit trail). */
export function render(text: Message | string, locale: Locale = 'fr'): string {
  if (typeof text === 'string') return text;
  const values = Object.fromEntries(
    Object.entries(text.values ?? {}).map(([name, value]) => [name, isMessage(value) ? render(value, locale) : value]),
  );
  return translate(locale, text.key, values);
}

/** The message in the current request's language (pages). */
export function renderHere(text: Message | string): string {
  return render(text, currentLocale());
}
