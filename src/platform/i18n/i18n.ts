import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type TOptions } from 'i18next';
import { projectRoot } from '../views/views';

/**
 * The platform's languages: French, the default and the reference, and English. Messages live in catalogues,
 * `src/locales/<locale>/<area>.json` (one file per area: `shell`, `oidc`, `recovery`, `account`, `mail`…), read once at start.
 * A key is `<area>:<path.in.the.file>`; `{{name}}` interpolates, `_one`/`_other` suffixes make plurals (i18next v4 JSON).
 */
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'fr';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The first supported language of a space-separated list of BCP 47 tags (`ui_locales`): `en-GB fr` → `en`. */
export function firstSupportedLocale(tags: unknown): Locale | undefined {
  if (typeof tags !== 'string') return undefined;
  for (const tag of tags.split(/\s+/)) {
    const primary = tag.split('-')[0]?.toLowerCase();
    if (isLocale(primary)) return primary;
  }
  return undefined;
}

/** The catalogues as files: `{ fr: { shell: {...}, oidc: {...} }, en: {...} }`. */
export function readCatalogues(): Record<Locale, Record<string, Record<string, unknown>>> {
  const root = join(projectRoot(), 'src', 'locales');
  const catalogues = {} as Record<Locale, Record<string, Record<string, unknown>>>;
  for (const locale of LOCALES) {
    catalogues[locale] = {};
    for (const file of readdirSync(join(root, locale))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      catalogues[locale][file.slice(0, -'.json'.length)] = JSON.parse(
        readFileSync(join(root, locale, file), 'utf8'),
      ) as Record<string, unknown>;
    }
  }
  return catalogues;
}

let translator: i18n | undefined;

/** i18next with every catalogue, built on first use (synchronously: the files are read once). */
function instance(): i18n {
  if (translator) return translator;
  const catalogues = readCatalogues();
  const created = i18next.createInstance();
  void created.init({
    initAsync: false,
    resources: catalogues,
    supportedLngs: [...LOCALES],
    fallbackLng: DEFAULT_LOCALE,
    ns: Object.keys(catalogues.fr),
    defaultNS: 'shell',
    // Nunjucks escapes what a template prints; a message is text, never HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return (translator = created);
}

/** What a request (or an e-mail being rendered) speaks in; the interaction pages fix it from `ui_locales`. */
export interface LocaleState {
  locale: Locale;
  /** Set by the authorization request's `ui_locales`: the page's language switch is not shown. */
  fixed?: boolean;
  /** Where the language switch brings the person back (a path of this site). */
  returnTo?: string;
}

const storage = new AsyncLocalStorage<LocaleState>();

/** The current language: the request's, the e-mail's, else French. */
export function currentLocale(): Locale {
  return storage.getStore()?.locale ?? DEFAULT_LOCALE;
}

export function localeState(): LocaleState | undefined {
  return storage.getStore();
}

/** Runs `fn` in a language (an e-mail to its recipient, a request). */
export function withLocale<T>(state: LocaleState | Locale, fn: () => T): T {
  return storage.run(typeof state === 'string' ? { locale: state } : state, fn);
}

/** Changes the current request's language (the interaction pages, from `ui_locales`). */
export function useLocale(locale: Locale, options: { fixed?: boolean; returnTo?: string } = {}): void {
  const state = storage.getStore();
  if (!state) return;
  state.locale = locale;
  if (options.fixed !== undefined) state.fixed = options.fixed;
  if (options.returnTo !== undefined) state.returnTo = options.returnTo;
}

/** A message in the current language: `t('oidc:signIn.title')`, `t('shell:forms.errorCount', { count })`. */
export function t(key: string, options?: TOptions): string {
  return translate(currentLocale(), key, options);
}

/** A message in a given language. A missing key shows in French (then as the key: the catalogue test forbids it). */
export function translate(locale: Locale, key: string, options?: TOptions): string {
  return String(instance().t(key, { ...options, lng: locale }));
}

/** Whether a key exists in a language's catalogue (tests). */
export function hasMessage(locale: Locale, key: string, options?: TOptions): boolean {
  return instance().exists(key, { ...options, lng: locale, fallbackLng: [] });
}
