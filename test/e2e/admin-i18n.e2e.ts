import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { DataSource } from 'typeorm';
import { NotificationsService } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { readCatalogues } from '../../src/platform/i18n/i18n';
import { ADMIN_PASSWORD, csrfOf, makeAccount, signInToConsole } from '../support/admin';
import { apiToken, registerApiClient } from '../support/api';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/retour';

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];

/** The page's main content as text: data the console shows as it is (other modules' sections, JSON) left out. */
function mainText(body: string): string {
  const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(body)?.[1] ?? '';
  return main
    .replace(/<section data-section[\s\S]*?<\/section>/g, ' ')
    .replace(/<pre>[\s\S]*?<\/pre>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ')
    .replace(/\s+/g, ' ');
}

/** The console's French texts (catalogue `admin`), each cut before its first value, when English says otherwise. */
function frenchTexts(): string[] {
  const { fr, en } = readCatalogues();
  const leaves = (node: unknown, other: unknown): string[] =>
    typeof node === 'string'
      ? [node.split('{{')[0].trim()].filter((text) => text.length >= 6 && node !== other)
      : Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
          leaves(v, (other as Record<string, unknown> | undefined)?.[k]),
        );
  return [...new Set(leaves(fr.admin, en.admin))];
}

/** Words of French a translated page would not show (the first-party spaces' names are data: left out). */
const FRENCH_WORDS =
  /\b(Retour|Rechercher|Statut|Aucune?|Envois|Journal|Clés|Tableau|Adresses?|Supprimer|Renvoyer|Enregistrer|Portées|Désactivée?|Réactiver|Votre|mot de passe|Connexions?|Événements?|Filtrer|Exporter|Tentatives|Destinataire|Modèle|Identifiant)\b/;

describe('The operators’ console in English (langue cookie, Accept-Language), French unchanged', () => {
  let app: TestApp;
  let english: HttpBrowser;
  let french: HttpBrowser;
  let target: { id: string; email: string };
  let messageId: string;
  let eventId: string;

  before(async () => {
    app = await startTestApp();
    await makeAccount(app, 'eleanor.super', 'super-admin');
    target = await makeAccount(app, 'tom.target', undefined, { givenName: 'Tom', familyName: 'Target' });
    english = await signInToConsole(app, 'eleanor.super@example.fr');
    english.setCookie(app.url, 'langue', 'en');
    french = await signInToConsole(app, 'eleanor.super@example.fr');
    const oidc = app.app.get(OidcProviderService);
    await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site-test', client_name: 'Test site', redirect_uris: [REDIRECT_URI] }, (m) =>
        oidc.validateClient(m),
      );
    messageId = await app.app
      .get(DataSource)
      .transaction((manager) =>
        app.app
          .get(NotificationsService)
          .enqueueEmail(manager, { to: 'tom.target@example.fr', template: 'test-email', data: { sentAt: 'hier' } }),
      );
    const [event] = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id::text FROM audit_event ORDER BY id DESC LIMIT 1`,
    );
    eventId = event.id;
  });
  after(async () => app.close());

  const pages = (): Array<[string, RegExp]> => [
    ['/admin', /<h1>Dashboard<\/h1>/],
    ['/admin/comptes?q=tom', /<h1>Accounts<\/h1>[\s\S]*1 account</],
    [`/admin/comptes/${target.id}`, /<h1>Account tom\.target<\/h1>[\s\S]*Send a password reset link/],
    [`/admin/comptes/${target.id}/suppression`, /<h1>Delete the account tom\.target<\/h1>[\s\S]*Delete for good/],
    ['/admin/sites', /<h1>Sites<\/h1>[\s\S]*New site/],
    ['/admin/sites/nouveau', /<h1>New site<\/h1>[\s\S]*Client identifier[\s\S]*Register the site/],
    ['/admin/sites/site-test', /<h1>Test site<\/h1>[\s\S]*Redirect addresses[\s\S]*Renew the secret/],
    ['/admin/sites/site-test/modifier', /<h1>Edit the site « site-test »<\/h1>[\s\S]*Save the changes/],
    ['/admin/cles', /<h1>Signing keys<\/h1>[\s\S]*in service[\s\S]*Renew the keys/],
    ['/admin/envois', /<h1>Outgoing messages<\/h1>[\s\S]*To send: \d+ · sending: \d+/],
    [`/admin/envois/${messageId}`, /<h1>Message test-email<\/h1>[\s\S]*Next attempt/],
    ['/admin/journal', /<h1>Audit trail<\/h1>[\s\S]*Export as CSV/],
    [`/admin/journal/${eventId}`, new RegExp(`<h1>Event ${eventId}</h1>[\\s\\S]*Details`)],
  ];

  it('shows every console page in English, with its menu, and no French left in the main content', async () => {
    const french = frenchTexts();
    assert.ok(french.length > 100, `textes français : ${french.length}`);
    for (const [path, expected] of pages()) {
      const page = await english.get(`${app.url}${path}`, app.url);
      assert.equal(page.status, 200, path);
      assert.equal(lang(page.body), 'en', path);
      assert.match(page.body, expected, path);
      assert.match(page.body, /class="fr-sidemenu__title" id="menu-console-titre">Console</, path);
      assert.match(page.body, />Audit trail<\/a>/, path);
      const text = mainText(page.body);
      assert.deepEqual(
        french.filter((f) => text.includes(f)),
        [],
        path,
      );
      assert.doesNotMatch(
        text.replace(/l’espace « Mon compte »|la console d’administration|l’espace (client|cabinet)/g, ''),
        FRENCH_WORDS,
        path,
      );
    }
  });

  it('keeps every console page in French by default', async () => {
    const headings: Record<string, RegExp> = {
      '/admin': /<h1>Tableau de bord<\/h1>/,
      '/admin/comptes?q=tom': /<h1>Comptes<\/h1>[\s\S]*1 compte</,
      '/admin/sites/nouveau': /<h1>Nouveau site<\/h1>[\s\S]*Identifiant du client/,
      '/admin/cles': /<h1>Clés de signature<\/h1>[\s\S]*en service/,
      '/admin/envois': /<h1>Envois<\/h1>[\s\S]*À envoyer : \d+ · en cours : \d+/,
      '/admin/journal': /<h1>Journal d’audit<\/h1>[\s\S]*Exporter en CSV/,
    };
    for (const [path, expected] of Object.entries(headings)) {
      const page = await french.get(`${app.url}${path}`, app.url);
      assert.equal(lang(page.body), 'fr', path);
      assert.match(page.body, expected, path);
      assert.match(page.body, />Journal d’audit<\/a>/, path);
    }
    // The check of the English pages finds the French texts on a French page (it can fail).
    const trail = mainText((await french.get(`${app.url}/admin/journal`, app.url)).body);
    assert.ok(frenchTexts().filter((f) => trail.includes(f)).length >= 5);
    assert.match(trail, FRENCH_WORDS);
    const none = await french.get(`${app.url}/admin/comptes?q=personne-de-tel`, app.url);
    assert.match(none.body, /0 comptes/);
  });

  it('follows Accept-Language when no language was chosen', async () => {
    const browser = await signInToConsole(app, 'eleanor.super@example.fr');
    browser.headers['accept-language'] = 'en-GB,en;q=0.9';
    const page = await browser.get(`${app.url}/admin/cles`, app.url);
    assert.equal(lang(page.body), 'en');
    assert.match(page.body, /<h1>Signing keys<\/h1>/);
  });

  it('answers the console’s own errors in English: a form error, an unknown site, a deletion not confirmed', async () => {
    const form = await english.get(`${app.url}/admin/sites/nouveau`, app.url);
    const bad = await english.submit(
      form,
      /\/admin\/sites$/,
      { clientId: 'é', redirectUris: REDIRECT_URI, grantAuthorizationCode: '', grantRefreshToken: '' },
      app.url,
    );
    assert.equal(bad.status, 400);
    assert.match(bad.body, /The form contains 2 errors/);
    assert.match(bad.body, /From 3 to 100 characters: letters without accents/);
    assert.match(bad.body, /Choose at least one grant type\./);
    const missing = await english.get(`${app.url}/admin/sites/inconnu`, app.url);
    assert.equal(missing.status, 404);
    assert.match(missing.body, /Site not found\./);
    const frenchMissing = await french.get(`${app.url}/admin/sites/inconnu`, app.url);
    assert.match(frenchMissing.body, /Site introuvable\./);
    const deletion = await english.get(`${app.url}/admin/comptes/${target.id}/suppression`, app.url);
    const mismatch = await english.submit(deletion, /supprimer$/, { confirmation: 'quelqu-un' }, app.url);
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body, /Type exactly the account’s identifier: tom\.target/);
  });

  it('answers a generic validation error (too long, not expected) in English on an English page, French otherwise', async () => {
    const check = async (browser: HttpBrowser, expected: { page: RegExp; tooLong: string; unexpected: string }) => {
      const form = await browser.get(`${app.url}/admin/sites/nouveau`, app.url);
      const tooLong = await browser.submit(form, /\/admin\/sites$/, { name: 'x'.repeat(201) }, app.url);
      assert.equal(tooLong.status, 400);
      assert.match(tooLong.body, expected.page);
      // A page's script asking for JSON gets the message per field, in the page's language.
      const res = await fetch(`${app.url}/admin/sites`, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          cookie: browser.cookieHeaderFor(app.url),
          'content-type': 'application/x-www-form-urlencoded',
          ...browser.headers,
        },
        body: new URLSearchParams({ _csrf: csrfOf(form.body), name: 'x'.repeat(201), surprise: 'oui' }),
      });
      assert.equal(res.status, 400);
      const { error } = (await res.json()) as { error: { message: string; fields: Record<string, string[]> } };
      assert.deepEqual(error.fields.name, [expected.tooLong]);
      assert.deepEqual(error.fields.surprise, [expected.unexpected]);
    };
    await check(english, {
      page: /Some information is missing or incorrect\./,
      tooLong: 'This field holds at most 200 characters.',
      unexpected: 'This field is not expected here.',
    });
    await check(french, {
      page: /Certaines informations sont manquantes ou incorrectes\./,
      tooLong: 'Ce champ compte au plus 200 caractères.',
      unexpected: 'Ce champ n’est pas attendu ici.',
    });
  });

  it('keeps the JSON API’s field messages in French whatever Accept-Language says', async () => {
    const token = await apiToken(app, await registerApiClient(app, 'robot-i18n', 'admin:write'), 'admin:write');
    const res = await fetch(`${app.url}/api/v1/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'accept-language': 'en', 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'robot-bis', grantTypes: ['client_credentials'], surprise: 'oui' }),
    });
    assert.equal(res.status, 400);
    const problem = (await res.json()) as { detail: string; errors: Array<{ field: string; detail: string }> };
    assert.equal(problem.detail, 'Certaines informations sont manquantes ou incorrectes.');
    assert.deepEqual(problem.errors, [{ field: 'surprise', detail: 'Ce champ n’est pas attendu ici.' }]);
  });
});

describe('The platform’s pages in English: the home page, the consent page’s scopes, the development mailbox', () => {
  let app: TestApp;
  let config: client.Configuration;

  before(async () => {
    app = await startTestApp();
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site', client_name: 'Site', redirect_uris: [REDIRECT_URI] }, (m) => oidc.validateClient(m));
    config = await client.discovery(
      new URL(app.config.issuer),
      'site',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    await makeAccount(app, 'jane.doe');
  });
  after(async () => app.close());

  it('shows the home page in English for Accept-Language: en, and in French by default', async () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en';
    const home = await browser.get(`${app.url}/`);
    assert.equal(lang(home.body), 'en');
    assert.match(home.body, /<title>Home - /);
    assert.match(home.body, /<h1>One account for all your online services<\/h1>/);
    assert.match(home.body, /Sign in to my account/);
    assert.match(home.body, /Single sign-on/);
    assert.doesNotMatch(mainText(home.body), /Un seul compte|Connexion unique|Se connecter|Vos données/);
    const french = await new HttpBrowser().get(`${app.url}/`);
    assert.match(french.body, /<h1>Un seul compte pour tous vos services en ligne<\/h1>/);
    assert.match(french.body, /<title>Accueil - /);
    assert.match(french.body, /Créer mon compte/);
  });

  async function consentPage(params: Record<string, string>, headers: Record<string, string> = {}) {
    const browser = new HttpBrowser();
    browser.headers = headers;
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      ...params,
    });
    let page = await browser.get(url.toString(), app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'jane.doe' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: ADMIN_PASSWORD }, app.url);
    return page;
  }

  it('describes the scopes in English on the consent page under ui_locales=en, in French otherwise', async () => {
    const page = await consentPage({ ui_locales: 'en' });
    assert.equal(lang(page.body), 'en');
    assert.match(page.body, /Allow Site\?/);
    assert.match(page.body, /your e-mail address/);
    assert.match(page.body, /your last name, your first name and your identifier/);
    assert.doesNotMatch(page.body, /votre adresse électronique|votre nom, votre prénom/);
    const french = await consentPage({});
    assert.equal(lang(french.body), 'fr');
    assert.match(french.body, /votre adresse électronique/);
    assert.match(french.body, /votre nom, votre prénom et votre identifiant/);
  });

  it('shows the development mailbox in English', async () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en';
    const mailbox = await browser.get(`${app.url}/dev/boite-mail`);
    assert.equal(mailbox.status, 200);
    assert.match(mailbox.body, /<h1>Development mailbox<\/h1>/);
    assert.doesNotMatch(mainText(mailbox.body), /Boîte mail|Aucun message|Reçu le/);
    const french = await new HttpBrowser().get(`${app.url}/dev/boite-mail`);
    assert.match(french.body, /<h1>Boîte mail de développement<\/h1>/);
  });
});
