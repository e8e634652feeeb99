import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeAccount, signInToConsole } from '../support/admin';
import type { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];
/** The page's own content: from its heading to the end of `main` (the console's menu is the console's). */
const main = (body: string) => /<h1[\s\S]*<\/main>/.exec(body)?.[0] ?? '';

describe('Legal pages in English: the pages around the documents, and an English version of a document', () => {
  let app: TestApp;
  let superAdmin: HttpBrowser;

  before(async () => {
    app = await startTestApp({ env: { BRAND_NAME: 'Mon Assureur' } });
    await makeAccount(app, 'sofia.super', 'super-admin');
    superAdmin = await signInToConsole(app, 'sofia.super@example.fr');
  });
  after(async () => app.close());

  it('shows the default texts, French only, under their English names with a notice', async () => {
    for (const [path, title, french] of [
      ['/cgu', 'Terms of use', 'Conditions générales d’utilisation'],
      ['/donnees-personnelles', 'Personal data', 'Données personnelles'],
      ['/mentions-legales', 'Legal notice', 'Mentions légales'],
      ['/accessibilite', 'Accessibility statement', 'Déclaration d’accessibilité'],
    ]) {
      const res = await request(app.url).get(path).set('Accept-Language', 'en-GB,en;q=0.8');
      assert.equal(res.status, 200, path);
      assert.equal(lang(res.text), 'en', path);
      assert.match(res.text, new RegExp(`<title>${title}`), path);
      assert.match(res.text, new RegExp(`<h1>${title}</h1>`), path);
      assert.match(res.text, /<p class="fr-text--sm">Version 2026-11<\/p>/, path);
      assert.match(res.text, /This document is available in French only\./, path);
      // The French text is marked as French (RGAA 8.7: a change of language is indicated).
      assert.match(res.text, new RegExp(`<div class="legal-document" lang="fr">\\s*<h2>${french}</h2>`), path);
    }
    // French pages: as before, without the notice.
    const french = await request(app.url).get('/cgu');
    assert.match(french.text, /<h1>Conditions générales d’utilisation<\/h1>/);
    assert.match(french.text, /<p class="fr-text--sm">Version 2026-11<\/p>/);
    assert.doesNotMatch(french.text, /French only|lang="fr">\s*<h2>/);
  });

  it('publishes a version with its English text: English pages show it, French pages the French one', async () => {
    const page = await superAdmin.get(`${app.url}/admin/textes-legaux/mentions-legales`, app.url);
    assert.match(page.body, /Version anglaise \(facultative\)/);
    const half = await superAdmin.submit(
      page,
      /textes-legaux\/mentions-legales$/,
      { version: '2027-01', title: 'Mentions légales', body: 'Éditeur : Mon Assureur.', titleEn: 'Legal notice' },
      app.url,
    );
    assert.equal(half.status, 400);
    assert.match(half.body, /Saisissez le texte en anglais, ou laissez le titre en anglais vide\./);
    assert.match(half.body, /value="Legal notice"/, 'what was typed is kept');

    const done = await superAdmin.submit(
      page,
      /textes-legaux\/mentions-legales$/,
      {
        version: '2027-01',
        title: 'Mentions légales',
        body: '## Éditeur\n\nMon Assureur, société anonyme.',
        titleEn: 'Legal notice',
        bodyEn: '## Publisher\n\nMon Assureur, a public limited company.',
      },
      app.url,
    );
    assert.equal(done.status, 200, done.body.slice(0, 1000));
    assert.match(done.body, /La version 2027-01 est publiée/);
    assert.match(done.body, /<span class="fr-badge fr-badge--sm">Anglais<\/span>/);
    const [row] = await app.dataSource.query<Array<{ title_en: string; body_en: string }>>(
      `SELECT title_en, body_en FROM legal_document WHERE kind = 'mentions-legales'`,
    );
    assert.equal(row.title_en, 'Legal notice');

    const english = await request(app.url).get('/mentions-legales').set('Accept-Language', 'en');
    assert.equal(lang(english.text), 'en');
    assert.match(english.text, /<h1>Legal notice<\/h1>/);
    assert.match(english.text, /Version 2027-01, published on \d{1,2} [A-Z][a-z]+ \d{4}/);
    assert.match(english.text, /<h2>Publisher<\/h2>/);
    assert.doesNotMatch(main(english.text), /French only|Éditeur|publiée|société/);

    const french = await request(app.url).get('/mentions-legales');
    assert.match(french.text, /<h1>Mentions légales<\/h1>/);
    assert.match(french.text, /Version 2027-01, publiée le \d{1,2} \S+ \d{4}/);
    assert.match(french.text, /<h2>Éditeur<\/h2>/);
    assert.doesNotMatch(french.text, /Publisher/);

    // A later version without English: back to the French text with the notice.
    const next = await superAdmin.get(`${app.url}/admin/textes-legaux/mentions-legales`, app.url);
    assert.match(
      next.body,
      /id="titleEn" name="titleEn"[^>]*value="Legal notice"/,
      'the form starts from the current English text',
    );
    await superAdmin.submit(
      next,
      /textes-legaux\/mentions-legales$/,
      { version: '2027-02', title: 'Mentions légales', body: 'Nouveau texte.', titleEn: '', bodyEn: '' },
      app.url,
    );
    const fallback = await request(app.url).get('/mentions-legales').set('Accept-Language', 'en');
    assert.match(fallback.text, /<h1>Legal notice<\/h1>/);
    assert.match(fallback.text, /This document is available in French only\./);
    assert.match(fallback.text, /Nouveau texte\./);
  });

  it('shows the console’s legal screens in English, with an English refusal', async () => {
    superAdmin.headers['accept-language'] = 'en';
    try {
      const list = await superAdmin.get(`${app.url}/admin/textes-legaux`, app.url);
      assert.equal(list.status, 200);
      assert.equal(lang(list.body), 'en');
      assert.match(list.body, /<h1>Legal texts<\/h1>/);
      assert.match(list.body, /<th scope="col">Version in force<\/th>/);
      assert.match(list.body, />Terms of use<\/a>/);
      assert.match(list.body, /<td>Default text<\/td>/);
      assert.doesNotMatch(main(list.body), /Textes légaux|Version en vigueur|Publiée le|Texte par défaut/);
      const edit = await superAdmin.get(`${app.url}/admin/textes-legaux/cgu`, app.url);
      assert.match(edit.body, /<h1>Terms of use<\/h1>/);
      assert.match(edit.body, /Publish a new version/);
      assert.match(edit.body, /English version \(optional\)/);
      assert.match(edit.body, /The platform’s default text/);
      const refused = await superAdmin.submit(
        edit,
        /textes-legaux\/cgu$/,
        { version: 'a b', title: 'x', body: 'y' },
        app.url,
      );
      assert.equal(refused.status, 400);
      assert.match(refused.body, /Enter a version number of 1 to 16 characters/);
    } finally {
      delete superAdmin.headers['accept-language'];
    }
  });
});
