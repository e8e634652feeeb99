import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeAccount, signInToConsole } from '../support/admin';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

describe('Legal pages: versioned documents published from the console', () => {
  let app: TestApp;
  let superAdmin: HttpBrowser;
  let reader: HttpBrowser;

  before(async () => {
    app = await startTestApp({ env: { BRAND_NAME: 'Mon Assureur', BRAND_SUPPORT_EMAIL: 'aide@assureur.example' } });
    await makeAccount(app, 'sofia.super', 'super-admin');
    await makeAccount(app, 'louis.lecture', 'lecture');
    superAdmin = await signInToConsole(app, 'sofia.super@example.fr');
    reader = await signInToConsole(app, 'louis.lecture@example.fr');
  });
  after(async () => app.close());

  it('serves the four default texts, in French, with the deployment’s name and support contact', async () => {
    for (const [path, title] of [
      ['/cgu', 'Conditions générales d’utilisation'],
      ['/donnees-personnelles', 'Données personnelles'],
      ['/mentions-legales', 'Mentions légales'],
      ['/accessibilite', 'Déclaration d’accessibilité'],
    ]) {
      const res = await request(app.url).get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.text, new RegExp(`<h1>${title}</h1>`), path);
      assert.match(res.text, /Version 2026-11/, path);
      assert.match(res.text, /Mon Assureur/, path);
    }
    const accessibility = await request(app.url).get('/accessibilite');
    assert.match(accessibility.text, /<strong>partiellement conforme<\/strong>/);
    assert.match(accessibility.text, /aucun audit de conformité n’a encore été réalisé/);
    assert.match((await request(app.url).get('/cgu')).text, /aide@assureur\.example/);
  });

  it('links the consents of the registration form to the CGU and the personal-data page', async () => {
    const res = await request(app.url).get('/inscription/citoyen');
    assert.equal(res.status, 200);
    assert.match(res.text, /href="\/cgu" target="_blank"/);
    assert.match(res.text, /href="\/donnees-personnelles" target="_blank"/);
    assert.match(res.text, /conditions générales d’utilisation \(version 2026-11\)/);
  });

  it('refuses a bad version with a French message per field, publishing nothing', async () => {
    const page = await superAdmin.get(`${app.url}/admin/textes-legaux/cgu`, app.url);
    assert.equal(page.status, 200);
    assert.match(page.body, /Publier une nouvelle version/);
    const bad = await superAdmin.submit(page, /textes-legaux\/cgu$/, { version: 'a b', title: '', body: '' }, app.url);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Le formulaire contient 3 erreurs/);
    assert.match(bad.body, /Indiquez un numéro de version de 1 à 16 caractères/);
    const taken = await superAdmin.submit(
      page,
      /textes-legaux\/cgu$/,
      { version: '2026-11', title: 'CGU', body: 'Texte' },
      app.url,
    );
    assert.equal(taken.status, 400);
    assert.match(taken.body, /La version 2026-11 existe déjà/);
    const nul = await superAdmin.submit(
      page,
      /textes-legaux\/cgu$/,
      { version: '2027-01', title: 'CGU', body: 'a\u0000b' },
      app.url,
    );
    assert.equal(nul.status, 400);
    const [{ count }] = await app.dataSource.query<Array<{ count: string }>>(`SELECT count(*) FROM legal_document`);
    assert.equal(count, '0');
  });

  it('does not let a read-only operator publish, nor anyone outside the console see the screen', async () => {
    const page = await reader.get(`${app.url}/admin/textes-legaux/cgu`, app.url);
    assert.equal(page.status, 200);
    const refused = await reader.submit(
      page,
      /textes-legaux\/cgu$/,
      { version: '2027-01', title: 'CGU', body: 'Texte' },
      app.url,
    );
    assert.equal(refused.status, 403);
    const anonymous = await request(app.url).get('/admin/textes-legaux');
    assert.notEqual(anonymous.status, 200);
    assert.equal((await superAdmin.get(`${app.url}/admin/textes-legaux/inconnu`, app.url)).status, 404);
    const [{ count }] = await app.dataSource.query<Array<{ count: string }>>(`SELECT count(*) FROM legal_document`);
    assert.equal(count, '0');
  });

  it('publishes a new CGU version: shown at /cgu, asked at registration, audited, raw HTML escaped', async () => {
    const page = await superAdmin.get(`${app.url}/admin/textes-legaux/cgu`, app.url);
    const done = await superAdmin.submit(
      page,
      /textes-legaux\/cgu$/,
      {
        version: '2027-01',
        title: 'Conditions générales d’utilisation',
        body: '## Article premier\n\nLe service est <script>alert(1)</script> gratuit. [Contact](/mentions-legales)',
      },
      app.url,
    );
    assert.equal(done.status, 200);
    assert.match(done.body, /La version 2027-01 est publiée/);
    const cgu = await request(app.url).get('/cgu');
    assert.match(cgu.text, /Version 2027-01, publiée le/);
    assert.match(cgu.text, /<h2>Article premier<\/h2>/);
    assert.match(cgu.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(cgu.text, /<script>alert/);
    assert.match(cgu.text, /<a href="\/mentions-legales">Contact<\/a>/);
    const form = await request(app.url).get('/inscription/citoyen');
    assert.match(form.text, /conditions générales d’utilisation \(version 2027-01\)/);
    assert.match(form.text, /données personnelles pour la gestion de mon compte \(version 2026-11\)/);
    const events = await app.dataSource.query<
      Array<{ details: { kind: string; version: string; before: { version: string }; after: { version: string } } }>
    >(`SELECT details FROM audit_event WHERE action = 'admin.legal.published'`);
    assert.deepEqual(
      events.map((e) => [e.details.kind, e.details.version, e.details.after.version]),
      [['cgu', '2027-01', '2027-01']],
    );
    assert.notEqual(events[0].details.before.version, '2027-01', 'the version in force before');
    const list = await superAdmin.get(`${app.url}/admin/textes-legaux`, app.url);
    assert.match(list.body, /2027-01/);
    assert.match(list.body, /Textes légaux/);
  });
});
