import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { HttpBrowser } from '../support/http-browser';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/retour';
const PASSWORD = 'Chaussette-Volante-7';

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];

describe('English and French (ui_locales, Accept-Language, the switch, e-mails)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let config: client.Configuration;

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
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
    await app.app.get(IdentityService).createActiveAccount({
      email: 'jane.doe@example.fr',
      identifier: 'jane.doe',
      password: PASSWORD,
      givenName: 'Jane',
      familyName: 'Doe',
    });
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  async function authorization(params: Record<string, string> = {}): Promise<string> {
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        ...params,
      })
      .toString();
  }

  it('publishes the supported languages in the discovery document', () => {
    assert.deepEqual(config.serverMetadata().ui_locales_supported, ['fr', 'en']);
  });

  it('shows the sign-in pages in English for ui_locales=en, and a wrong password in English', async () => {
    const browser = new HttpBrowser();
    const page = await browser.get(await authorization({ ui_locales: 'de en fr' }), app.url);
    assert.equal(page.status, 200);
    assert.equal(lang(page.body), 'en');
    assert.match(page.body, /<h1>Sign in<\/h1>/);
    assert.match(page.body, /Step 1 of 2: your identifier/);
    assert.match(page.body, /To access <strong>Site<\/strong>, identify yourself\./);
    assert.doesNotMatch(page.body, /Connexion|identifiez-vous/);
    // The site chose the language: no switch.
    assert.doesNotMatch(page.body, /href="\/langue/);

    const password = await browser.submit(page, /identifiant$/, { identifier: 'jane.doe' }, app.url);
    assert.equal(lang(password.body), 'en');
    assert.match(password.body, /Step 2 of 2: your password/);
    const wrong = await browser.submit(password, /mot-de-passe$/, { password: 'pas-le-bon' }, app.url);
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Incorrect identifier or password\./);
    assert.equal(lang(wrong.body), 'en');
  });

  it('shows them in English for Accept-Language: en, with the switch back to French', async () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en-GB,en;q=0.9,fr;q=0.5';
    const page = await browser.get(await authorization(), app.url);
    assert.equal(lang(page.body), 'en');
    assert.match(page.body, /Step 1 of 2: your identifier/);
    const uid = /\/interaction\/([^/"]+)\/identifiant/.exec(page.body)![1];
    assert.match(page.body, new RegExp(`href="/langue\\?choix=fr&amp;retour=%2Finteraction%2F${uid}" lang="fr"`));
  });

  it('stays in French by default, for an unsupported language, and for ui_locales it does not speak', async () => {
    for (const [headers, params] of [
      [{}, {}],
      [{ 'accept-language': 'de-DE,de;q=0.9' }, {}],
      [{}, { ui_locales: 'de' }],
    ] as Array<[Record<string, string>, Record<string, string>]>) {
      const browser = new HttpBrowser();
      browser.headers = headers;
      const page = await browser.get(await authorization(params), app.url);
      assert.equal(page.status, 200);
      assert.equal(lang(page.body), 'fr', JSON.stringify({ headers, params }));
      assert.match(page.body, /<h1>Connexion<\/h1>/);
      assert.match(page.body, /Pour accéder à <strong>Site<\/strong>, identifiez-vous\./);
      assert.match(page.body, /Étape 1 sur 2 : votre identifiant/);
      assert.match(page.body, /href="\/langue\?choix=en&amp;retour=[^"]+" lang="en" hreflang="en">English</);
    }
  });

  it('ui_locales wins over the browser’s language', async () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en';
    const page = await browser.get(await authorization({ ui_locales: 'fr' }), app.url);
    assert.equal(lang(page.body), 'fr');
    assert.match(page.body, /Étape 1 sur 2/);
  });

  it('keeps the language chosen with the switch in a cookie, over Accept-Language, and returns only to this site', async () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'fr';
    const chosen = await browser.get(`${app.url}/langue?choix=en&retour=${encodeURIComponent('/mot-de-passe-oublie')}`);
    assert.equal(chosen.status, 200);
    assert.equal(new URL(chosen.url).pathname, '/mot-de-passe-oublie');
    assert.equal(lang(chosen.body), 'en');
    assert.match(chosen.body, /<h1>Forgotten password<\/h1>/);
    assert.match(chosen.body, /Identifier or e-mail address/);
    const sent = await browser.submit(chosen, /mot-de-passe-oublie$/, { login: 'jane.doe', channel: 'email' });
    assert.match(sent.body, /If an account matches « jane\.doe »/);
    const signIn = await browser.get(await authorization(), app.url);
    assert.match(signIn.body, /Step 1 of 2/);
    const back = await browser.get(`${app.url}/langue?choix=fr&retour=${encodeURIComponent('//evil.example/')}`);
    assert.equal(new URL(back.url).pathname, '/');
    assert.equal(lang(back.body), 'fr');
    const unknown = await new HttpBrowser().get(`${app.url}/langue?choix=de&retour=https://evil.example/`);
    assert.equal(new URL(unknown.url).origin, app.url);
  });

  it('shows the error pages and the provider’s errors in the request’s language', async () => {
    const english = new HttpBrowser();
    english.headers['accept-language'] = 'en';
    const missing = await english.get(`${app.url}/nulle-part`);
    assert.equal(missing.status, 404);
    assert.match(missing.body, /Page not found/);
    const expired = await english.get(`${app.url}/interaction/inconnue`);
    assert.match(expired.body, /This sign-in request has expired or is no longer valid/);
    const provider = await new HttpBrowser().get(
      `${app.url}/oidc/auth?client_id=inconnu&response_type=code&scope=openid&ui_locales=en`,
    );
    assert.match(provider.body, /Signing in did not succeed/);
    assert.match(provider.body, /The site that sent you here is not known to the platform\./);
    const french = await new HttpBrowser().get(`${app.url}/nulle-part`);
    assert.match(french.body, /Page introuvable/);
  });

  it('sends an English activation e-mail to an account registered in English, and remembers its language', async () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en';
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    assert.equal(form.status, 200);
    const done = await browser.submit(form, /\/inscription\/citoyen$/, {
      civility: 'madame',
      familyName: 'Smith',
      givenName: 'Alice',
      birthDate: '1985-04-12',
      email: 'alice.smith@example.fr',
      mobilePhone: '',
      identifier: '',
      password: PASSWORD,
      passwordConfirmation: PASSWORD,
      acceptTerms: 'oui',
      acceptPrivacy: 'oui',
      activationChannel: 'email',
    });
    assert.equal(done.status, 200, done.body.slice(0, 2000));
    const [account] = await app.dataSource.query<Array<{ locale: string }>>(
      `SELECT locale FROM account WHERE email = 'alice.smith@example.fr'`,
    );
    assert.equal(account.locale, 'en');

    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor(sentTo('alice.smith@example.fr'));
    assert.equal(mail.subject, 'Activate your account');
    assert.match(mail.text ?? '', /^Hello Alice,/);
    assert.match(mail.text ?? '', /Your account has been created with the identifier \S+\. To use it, activate it/);
    assert.match(mail.text ?? '', /Without activation before \d{1,2} [A-Z][a-z]+ \d{4}, the account/);
    assert.match(String(mail.html), /<html lang="en">/);
    assert.match(String(mail.html), />Activate my account</);
    assert.doesNotMatch(mail.text ?? '', /Bonjour|Activez/);
  });

  it('keeps French e-mails for an account registered in French', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    await browser.submit(form, /\/inscription\/citoyen$/, {
      civility: 'monsieur',
      familyName: 'Martin',
      givenName: 'Paul',
      birthDate: '1980-01-02',
      email: 'paul.martin@example.fr',
      mobilePhone: '',
      identifier: '',
      password: PASSWORD,
      passwordConfirmation: PASSWORD,
      acceptTerms: 'oui',
      acceptPrivacy: 'oui',
      activationChannel: 'email',
    });
    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor(sentTo('paul.martin@example.fr'));
    assert.equal(mail.subject, 'Activez votre compte');
    assert.match(mail.text ?? '', /^Bonjour Paul,/);
    assert.match(String(mail.html), /<html lang="fr">/);
  });
});
