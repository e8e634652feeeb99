import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hasMessage, LOCALES } from '../../platform/i18n/i18n';
import { projectRoot } from '../../platform/views/views';
import { renderAccessCodesLetter } from './access-codes-letter';
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

  it('writes the printable letter in French by default, in English when asked', () => {
    const issued = {
      subscription: {
        id: '00000000-0000-4000-8000-000000000000',
        subscriber: 'Acme Legal',
        seats: 3,
        seatsUsed: 0,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'administrator-managed' as const,
        products: [{ code: 'law-online', name: 'Law Online', sections: [] }],
      },
      login: 'ABO-AAAA-BBBB',
      password: 'CCCC-DDDD-EEEE',
      modeParagraph: modeParagraph('administrator-managed'),
    };
    const day = new Date('2026-03-02T10:00:00Z');
    const french = renderAccessCodesLetter(issued, 'https://id.example.fr', day);
    assert.match(french, /<html lang="fr">/);
    assert.match(french, /<p>Le 2 mars 2026<\/p>/);
    assert.match(french, /<h1>Remise de vos codes d’accès<\/h1>/);
    assert.match(french, /Gestion de compte personnel : mode « Gestion par Administrateur »/);
    const english = renderAccessCodesLetter(issued, 'https://id.example.fr', day, 'en');
    assert.match(english, /<html lang="en">/);
    assert.match(english, /<p>2 March 2026<\/p>/);
    assert.match(english, /<h1>Your access codes<\/h1>/);
    assert.match(english, /Your subscription includes: Law Online\./);
    assert.match(english, /Personal account management: “Managed by an administrator” mode/);
    assert.doesNotMatch(english, /Madame|abonnement|codes d’accès/);
  });
});
