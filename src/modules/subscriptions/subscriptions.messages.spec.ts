import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hasMessage, LOCALES } from '../../platform/i18n/i18n';
import { projectRoot } from '../../platform/views/views';
import { modeChangeNote, modeParagraph } from './access-codes.service';
import { ACCOUNT_MODES } from './entities/subscription.entity';
import { message, render } from './subscriptions.messages';

describe('subscriptions messages', () => {
  it('names only keys present in every language (`message(…)`, which the catalogue test does not read)', () => {
    const dir = join(projectRoot(), 'src', 'modules', 'subscriptions');
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : [],
      );
    const keys = files(dir).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bmessage\(\s*'(subscriptions:[\w.-]+)'/g)].map((m) => m[1]),
    );
    assert.ok(keys.length > 20, `clés trouvées : ${keys.length}`);
    const missing = keys.flatMap((key) =>
      LOCALES.filter((locale) => !hasMessage(locale, key) && !hasMessage(locale, key, { count: 2 })).map(
        (locale) => `${locale} ${key}`,
      ),
    );
    assert.deepEqual(missing, []);
    for (const mode of ACCOUNT_MODES) assert.ok(hasMessage('en', `subscriptions:modes.${mode}`), mode);
  });

  it('renders nested messages and plurals, French by default', () => {
    const codes = message('subscriptions:consequences.codesValid');
    assert.equal(
      render(message('subscriptions:consequences.codesOnly', { codes })),
      'Seuls les codes d’accès de l’abonnement donneront accès aux produits. Les codes d’accès de l’abonnement restent valables.',
    );
    assert.equal(
      render(message('subscriptions:consequences.codesOnly', { codes }), 'en'),
      'Only the subscription’s access codes will give access to the products. The subscription’s access codes remain valid.',
    );
    assert.match(render(message('subscriptions:consequences.lose', { count: 0 })), /^0 compte personnel membre perdra/);
    assert.match(
      render(message('subscriptions:consequences.lose', { count: 2 })),
      /^2 comptes personnels membres perdront/,
    );
  });

  it('gives the mode’s paragraph of the access codes in French and in English', () => {
    assert.deepEqual(modeParagraph('no-personal-account'), {
      title: 'Gestion de compte personnel : mode « Pas de compte personnel »',
      paragraphs: [
        'La création et la gestion de compte personnel ne sont pas permises dans le cadre de cet abonnement : utilisez les codes d’accès ci-dessus pour vous connecter.',
      ],
    });
    assert.equal(modeParagraph('self-declaration', 'en').paragraphs.length, 2);
    assert.match(modeChangeNote('en'), /Customer Relations/);
  });
});
