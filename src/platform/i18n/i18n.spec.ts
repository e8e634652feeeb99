import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../views/views';
import { firstSupportedLocale, hasMessage, LOCALES, readCatalogues, translate, withLocale, t } from './i18n';

const src = join(projectRoot(), 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : /\.(ts|njk)$/.test(entry.name) && !entry.name.endsWith('.spec.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every key a template or the code names literally: `t('area:key'`, `labelKey: 'area:key'`, `errors:…` of pages. */
function keysUsed(): Array<{ file: string; key: string }> {
  return files(src).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const keys = [
      ...[...text.matchAll(/\bt\(\s*'([a-zA-Z]+:[\w.]+)'/g)].map((m) => m[1]),
      ...[...text.matchAll(/\blabelKey: '([a-zA-Z]+:[\w.]+)'/g)].map((m) => m[1]),
    ];
    return keys.map((key) => ({ file: relative(src, file), key }));
  });
}

/** The paths of a catalogue's leaves, plural suffixes removed (`forms.errorCount_one` → `forms.errorCount`). */
function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix.replace(/_(zero|one|two|few|many|other)$/, '')];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('Message catalogues', () => {
  it('every key named in a template or in the code exists in every language (no raw key is ever shown)', () => {
    const used = keysUsed();
    assert.ok(used.length > 100, `clés trouvées : ${used.length}`);
    const catalogues = readCatalogues();
    // A key built in the template (`'shell:language.' + locale`): its prefix is a group of messages in every language.
    const group = (locale: (typeof LOCALES)[number], prefix: string) => {
      const [area, path] = prefix.slice(0, -1).split(':');
      const found = path
        .split('.')
        .reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], catalogues[locale][area]);
      return typeof found === 'object' && found !== null;
    };
    const known = (locale: (typeof LOCALES)[number], key: string) =>
      key.endsWith('.') ? group(locale, key) : hasMessage(locale, key) || hasMessage(locale, key, { count: 2 });
    const missing = used.flatMap(({ file, key }) =>
      LOCALES.filter((locale) => !known(locale, key)).map((locale) => `${locale} ${key} (${file})`),
    );
    assert.deepEqual(missing, []);
  });

  it('French and English have the same areas and the same keys', () => {
    const catalogues = readCatalogues();
    assert.deepEqual(Object.keys(catalogues.en).sort(), Object.keys(catalogues.fr).sort());
    for (const area of Object.keys(catalogues.fr)) {
      assert.deepEqual(leaves(catalogues.en[area]).sort(), leaves(catalogues.fr[area]).sort(), `domaine ${area}`);
    }
  });

  it('interpolates, makes French and English plurals, and takes the first supported ui_locales', () => {
    assert.equal(translate('fr', 'shell:forms.errorCount', { count: 1 }), 'Le formulaire contient 1 erreur');
    assert.equal(translate('fr', 'shell:forms.errorCount', { count: 3 }), 'Le formulaire contient 3 erreurs');
    assert.equal(translate('en', 'shell:forms.errorCount', { count: 1 }), 'The form contains 1 error');
    assert.equal(translate('en', 'shell:forms.errorCount', { count: 2 }), 'The form contains 2 errors');
    assert.equal(translate('en', 'oidc:consent.heading', { client: 'A & B' }), 'Allow A & B?');
    assert.equal(t('oidc:signIn.title'), 'Connexion', 'French outside a request');
    assert.equal(
      withLocale('en', () => t('oidc:signIn.title')),
      'Sign in',
    );
    assert.equal(firstSupportedLocale('de en-GB fr'), 'en');
    assert.equal(firstSupportedLocale('de it'), undefined);
    assert.equal(firstSupportedLocale(undefined), undefined);
  });
});
