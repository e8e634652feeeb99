import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import {
  AccessCodesService,
  SubscriptionsClock,
  SubscriptionsExpiryJob,
  SubscriptionsService,
} from '../../src/modules/subscriptions';
import { ADMIN_PASSWORD, makeAccount, signInToConsole } from '../support/admin';
import { HttpBrowser } from '../support/http-browser';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
type HttpPage = Awaited<ReturnType<HttpBrowser['get']>>;

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];
/**
 * The page's own content (in a signed-in space, the column beside the side menu, whose other modules' entries are
 * theirs), tags removed: what must be English (names of products and people are English here).
 */
const main = (body: string) =>
  (/<main[^>]*>([\s\S]*?)<\/main>/.exec(body)?.[1] ?? '')
    .split('<div class="fr-col-12 fr-col-md-9">')
    .pop()!
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ')
    .replace(/\s+/g, ' ');
/** Words of the French pages that an English page must not show. */
const FRENCH =
  /\b(Mes|Tous|Créer|Abonnements?|abonnements?|utilisateurs?|Utilisateurs?|Produits?|Lecteur|Valider|Supprimer|Rechercher|Période|Places|Retour|Connectez|Vérifiez|Changer|Conséquences|Mode de gestion|Droits|Accès|Civilité|Prénom|Nom|oui|non|Actif|Terminé|du|au|le|la|les|des|votre|vos)\b/;
const assertEnglish = (page: HttpPage, where: string) => {
  assert.equal(lang(page.body), 'en', where);
  const text = main(page.body);
  assert.doesNotMatch(text, FRENCH, `${where}: ${text.slice(0, 3000)}`);
};

/**
 * The subscriptions module in English: its pages (account space, « Créer mon compte personnel », the console), a form
 * error, its three e-mails in the recipient account's language, and the consent page and refusal of a product under
 * `ui_locales=en`. French stays the default (the other subscriptions tests assert its wording).
 */
describe('Subscriptions in English (pages, form errors, e-mails, consent and refusal)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let service: SubscriptionsService;
  let config: client.Configuration;
  let acme: string;
  let selfDeclared: string;
  const accounts: Record<string, string> = {};

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    app.app.get(SubscriptionsClock).now = () => new Date('2026-06-15T10:00:00Z');
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'law-web', client_name: 'Law Online', redirect_uris: [REDIRECT_URI] }, (m) =>
        oidc.validateClient(m),
      );
    config = await client.discovery(
      new URL(app.config.issuer),
      'law-web',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    for (const [identifier, givenName, familyName, locale] of [
      ['john.smith', 'John', 'Smith', 'en'],
      ['mary.jones', 'Mary', 'Jones', 'en'],
      ['pierre.durand', 'Pierre', 'Durand', 'fr'],
      ['nobody.else', 'Nobody', 'Else', 'en'],
    ]) {
      accounts[identifier] = (await makeAccount(app, identifier, undefined, { givenName, familyName })).id;
      await app.dataSource.query('UPDATE account SET locale = $1 WHERE id = $2', [locale, accounts[identifier]]);
    }
    await makeAccount(app, 'sam.support', 'support');
    service = app.app.get(SubscriptionsService);
    await service.addProduct({
      code: 'law-online',
      name: 'Law Online',
      url: 'https://law.example.com/',
      sections: [
        { code: 'insurance', name: 'Insurance' },
        { code: 'civil', name: 'Civil' },
      ],
      clientIds: ['law-web'],
    });
    acme = (
      await service.addSubscription({
        subscriber: 'Acme Legal',
        products: [{ code: 'law-online' }],
        seats: 5,
        startsOn: '2026-01-01',
        endsOn: '2026-07-10',
        accountMode: 'administrator-managed',
      })
    ).id;
    selfDeclared = (
      await service.addSubscription({
        subscriber: 'Globex Counsel',
        products: [{ code: 'law-online' }],
        seats: 5,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'self-declaration',
      })
    ).id;
    await service.setMembership(acme, accounts['john.smith'], [
      { productCode: 'law-online', role: 'reader' },
      { productCode: 'law-online', role: 'administrator' },
    ]);
    await service.setMembership(acme, accounts['pierre.durand'], [
      { productCode: 'law-online', role: 'reader' },
      { productCode: 'law-online', role: 'administrator' },
    ]);
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });

  /** Signed in to the account space, the language chosen with the shell's switch (the `langue` cookie). */
  async function englishAccountSpace(login: string): Promise<HttpBrowser> {
    const browser = new HttpBrowser();
    await browser.get(`${app.url}/langue?choix=en&retour=${encodeURIComponent('/')}`);
    let page = await browser.get(`${app.url}/compte`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: ADMIN_PASSWORD }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1500));
    return browser;
  }

  async function authorization(params: Record<string, string> = {}): Promise<string> {
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid subscriptions',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        ...params,
      })
      .toString();
  }

  it('shows « My subscriptions » in English', async () => {
    const browser = await englishAccountSpace('john.smith@example.fr');
    const page = await browser.get(`${app.url}/compte/abonnements`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>My subscriptions<\/h1>/);
    assert.match(page.body, /<h2>My products and statuses<\/h2>/);
    assert.match(page.body, /Subscription from 2026-01-01 to 2026-07-10, “managed by an administrator” mode\./);
    assert.match(page.body, /<th scope="col">Reader\?<\/th><th scope="col">Admin\?<\/th>/);
    assert.match(page.body, />Active</);
    assert.match(page.body, /<title>My subscriptions - /);
    assertEnglish(page, '/compte/abonnements');
  });

  it('shows « Manage my users » in English, answers a wrong form in English, and attaches an account', async () => {
    const browser = await englishAccountSpace('john.smith@example.fr');
    const list = await browser.get(`${app.url}/compte/utilisateurs/${acme}`);
    assert.equal(list.status, 200);
    assert.match(list.body, /<h1>All my users<\/h1>/);
    assert.match(list.body, /Acme Legal subscription: 2 seat\(s\) used out of 5\./);
    assert.match(list.body, />Remove the ticked users</);
    assertEnglish(list, 'all users');
    const byProduct = await browser.get(`${app.url}/compte/utilisateurs/${acme}/par-produit`);
    assert.match(byProduct.body, /<h1>My users by product<\/h1>/);
    assert.match(byProduct.body, /The whole product/);
    assertEnglish(byProduct, 'users by product');
    const rights = await browser.get(`${app.url}/compte/utilisateurs/${acme}/${accounts['pierre.durand']}`);
    assert.match(rights.body, /<h1>Rights of Pierre DURAND<\/h1>/);
    assertEnglish(rights, 'rights');

    const form = await browser.get(`${app.url}/compte/utilisateurs/${acme}/nouveau`);
    assert.match(form.body, /<h1>Create a user<\/h1>/);
    assert.match(form.body, /① Recipient/);
    assert.match(form.body, /Reader of Law Online, Insurance/);
    assertEnglish(form, 'create a user');
    const wrong = await browser.submit(form, /nouveau$/, { email: 'not-an-address', civility: '', familyName: '' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /The form contains 5 errors/);
    assert.match(wrong.body, /Enter a valid e-mail address, for example name@example\.com\./);
    assert.match(wrong.body, /Tick at least one access \(Reader or Admin\)\./);
    assert.match(wrong.body, /Enter the last name\./);
    assertEnglish(wrong, 'wrong create form');

    const done = await browser.submit(form, /nouveau$/, {
      email: 'mary.jones@example.fr',
      civility: 'madame',
      familyName: 'Jones',
      givenName: 'Mary',
      access: 'law-online|civil|reader',
    });
    assert.equal(done.status, 200, done.body.slice(0, 2000));
    assert.match(done.body, /An account already existed with the address mary\.jones@example\.fr: it has been added/);
    assertEnglish(done, 'after attaching');
    const removeSelf = await browser.submit(done, /supprimer$/, { members: accounts['john.smith'] });
    assert.equal(removeSelf.status, 400);
    assert.match(removeSelf.body, /You cannot remove yourself from the subscription\./);

    // The e-mail speaks the recipient account's language.
    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor(sentTo('mary.jones@example.fr'));
    assert.equal(mail.subject, 'Access to the products of the Acme Legal subscription');
    assert.match(mail.text ?? '', /^Hello,/);
    assert.match(mail.text ?? '', /has given you access to the products of the subscription Acme Legal \(Law Online\)/);
    assert.match(String(mail.html), /<html lang="en">/);
    assert.match(String(mail.html), />My subscriptions</);
    assert.doesNotMatch(mail.text ?? '', /Bonjour|l’abonnement/);
  });

  it('keeps the access-granted e-mail in French for an account in French', async () => {
    const browser = await englishAccountSpace('john.smith@example.fr');
    await makeAccount(app, 'paul.martin', undefined, { givenName: 'Paul', familyName: 'Martin' });
    const form = await browser.get(`${app.url}/compte/utilisateurs/${acme}/nouveau`);
    await browser.submit(form, /nouveau$/, {
      email: 'paul.martin@example.fr',
      civility: 'monsieur',
      familyName: 'Martin',
      givenName: 'Paul',
      access: 'law-online||reader',
    });
    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor(sentTo('paul.martin@example.fr'));
    assert.equal(mail.subject, 'Accès aux produits de l’abonnement Acme Legal');
    assert.match(mail.text ?? '', /^Bonjour,/);
    assert.match(String(mail.html), /<html lang="fr">/);
  });

  it('sends the access codes in the language of the account holding the address, French otherwise', async () => {
    const codes = app.app.get(AccessCodesService);
    const english = await codes.issue(selfDeclared, { email: 'nobody.else@example.fr' });
    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor(sentTo('nobody.else@example.fr'));
    assert.equal(mail.subject, 'Your access codes – Globex Counsel subscription');
    assert.match(mail.text ?? '', /Here are the access codes of the subscription Globex Counsel \(Law Online\)\./);
    assert.match(mail.text ?? '', /Personal account management: “Self-declaration” mode/);
    assert.match(mail.text ?? '', /simply contact our Customer Relations department/);
    assert.ok(mail.text?.includes(english.login));
    assert.doesNotMatch(mail.text ?? '', /Bonjour|codes d’accès|abonnement/);
    assert.match(String(mail.html), /<html lang="en">/);

    await codes.issue(selfDeclared, { email: 'accueil@globex.example' });
    await app.app.get(OutboxWorker).deliverDue();
    const french = await smtp.waitFor(sentTo('accueil@globex.example'));
    assert.equal(french.subject, 'Vos codes d’accès – abonnement Globex Counsel');
    assert.match(french.text ?? '', /Gestion de compte personnel : mode « Auto-déclaration »/);
  });

  it('warns each administrator of the end in its own language', async () => {
    const job = app.app.get(SubscriptionsExpiryJob);
    assert.ok((await job.warnAdministrators(new Date('2026-06-15T08:00:00Z'))) >= 2);
    await app.app.get(OutboxWorker).deliverDue();
    const english = await smtp.waitFor((m) => sentTo('john.smith@example.fr')(m) && /ends on/.test(m.subject ?? ''));
    assert.equal(english.subject, 'The Acme Legal subscription ends on 10 July 2026');
    assert.match(
      english.text ?? '',
      /The subscription Acme Legal, of which you are an administrator, ends on 10 July 2026/,
    );
    assert.doesNotMatch(english.text ?? '', /Bonjour|L’abonnement/);
    const french = await smtp.waitFor(sentTo('pierre.durand@example.fr'));
    assert.equal(french.subject, 'L’abonnement Acme Legal se termine le 10/07/2026');
  });

  it('shows « Create my personal account » in English, and its refusal', async () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en-GB,en;q=0.9';
    const refused = await browser.get(`${app.url}/abonnements/creer-mon-compte`);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /<h1>Sign in with your access codes<\/h1>/);
    assertEnglish(refused, 'create my account, refused');

    const issued = await app.app.get(AccessCodesService).issue(selfDeclared);
    let page = await browser.get(await authorization(), app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: issued.login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: issued.password }, app.url);
    if (!page.location && /consentement/.test(page.body))
      page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    assert.match(page.location ?? '', /^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    const form = await browser.get(`${app.url}/abonnements/creer-mon-compte`);
    assert.equal(form.status, 200);
    assert.match(form.body, /<h1>Create my personal account<\/h1>/);
    assert.match(form.body, /Globex Counsel subscription\. To create your personal account/);
    assert.match(form.body, /① Personal access codes/);
    assert.match(form.body, /I have read and accept the terms of use \(version /);
    // The occupations are identity's list (French): left out of the check.
    assertEnglish({ ...form, body: form.body.replace(/<select[\s\S]*?<\/select>/, '') }, 'create my account');
  });

  it('shows the consent page’s scope and a refused product in English under ui_locales=en', async () => {
    const member = new HttpBrowser();
    let page = await member.get(await authorization({ ui_locales: 'en' }), app.url);
    page = await member.submit(page, /identifiant$/, { identifier: 'mary.jones@example.fr' }, app.url);
    page = await member.submit(page, /mot-de-passe$/, { password: ADMIN_PASSWORD }, app.url);
    assert.equal(lang(page.body), 'en');
    assert.match(page.body, /<li>your subscriptions to this service and your statuses \(reader, administrator\)<\/li>/);

    const french = new HttpBrowser();
    page = await french.get(await authorization(), app.url);
    page = await french.submit(page, /identifiant$/, { identifier: 'mary.jones@example.fr' }, app.url);
    page = await french.submit(page, /mot-de-passe$/, { password: ADMIN_PASSWORD }, app.url);
    assert.match(page.body, /<li>vos abonnements à ce service et vos statuts \(lecteur, administrateur\)<\/li>/);

    // No membership: refused, in the request's language, on the sign-in and by single sign-on.
    const outsider = new HttpBrowser();
    outsider.headers['accept-language'] = 'fr';
    page = await outsider.get(await authorization({ ui_locales: 'en' }), app.url);
    page = await outsider.submit(page, /identifiant$/, { identifier: 'nobody.else@example.fr' }, app.url);
    page = await outsider.submit(page, /mot-de-passe$/, { password: ADMIN_PASSWORD }, app.url);
    assert.equal(page.status, 403);
    assert.equal(lang(page.body), 'en');
    assert.match(page.body, /Your account has no active subscription to Law Online\./);
    assert.match(page.body, /Ask your subscription’s administrator to give you access/);
    assert.doesNotMatch(page.body, /abonnement/);
    const again = await outsider.get(await authorization({ ui_locales: 'en' }), app.url);
    assert.equal(again.status, 403);
    assert.match(again.body, /Your account has no active subscription to Law Online\./);
    const inFrench = await outsider.get(await authorization(), app.url);
    assert.match(inFrench.body, /Votre compte n’a pas d’abonnement actif à Law Online\./);
  });

  it('shows the console’s subscriptions in English, and keeps the audit trail in French', async () => {
    const browser = await signInToConsole(app, 'sam.support@example.fr');
    await browser.get(`${app.url}/langue?choix=en&retour=${encodeURIComponent('/admin')}`);
    const list = await browser.get(`${app.url}/admin/abonnements?q=Acme`);
    assert.equal(list.status, 200);
    assert.match(list.body, /<h1>Subscriptions<\/h1>/);
    assert.match(list.body, /1 subscription for “Acme”/);
    assert.match(list.body, /from 1 January 2026 to 10 July 2026/);
    assertEnglish(list, 'console list');
    const shown = await browser.get(`${app.url}/admin/abonnements/${acme}`);
    assert.match(shown.body, /<h1>Acme Legal subscription<\/h1>/);
    assert.match(shown.body, /managed by an administrator/);
    assert.match(shown.body, /\(Running\)/);
    assertEnglish(shown, 'console subscription');
    const wrong = await browser.get(`${app.url}/admin/abonnements/${acme}/mode?vers=gestion-administrateur`);
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /The subscription is already in this mode: choose another one\./);
    const preview = await browser.get(`${app.url}/admin/abonnements/${acme}/mode?vers=auto-declaration`);
    assert.equal(preview.status, 200);
    assert.match(preview.body, /<h1>Change the management mode<\/h1>/);
    assert.match(preview.body, /Mode “managed by an administrator” → “self-declaration”\./);
    assert.match(preview.body, /“Manage my users” stops: /);
    assert.match(preview.body, /Confirm the switch to “self-declaration”/);
    assertEnglish(preview, 'console mode change');
    const done = await browser.submit(preview, /\/mode$/, { password: ADMIN_PASSWORD }, app.url);
    assert.equal(done.status, 200, done.body.slice(0, 2000));
    assert.match(done.body, /The management mode is now “self-declaration”\./);
    assert.match(done.body, /Consequences applied/);
    const [audit] = await app.dataSource.query<Array<{ details: { consequences: string[] } }>>(
      `SELECT details FROM audit_event WHERE action = 'subscriptions.mode.changed' AND target_id = $1`,
      [acme],
    );
    assert.equal(audit.details.consequences[0], 'Mode « gestion par administrateur » → « auto-déclaration ».');
  });
});
