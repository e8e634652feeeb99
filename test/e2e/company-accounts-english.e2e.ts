import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { CompanyAccounts, Teleprocedures } from '../../src/modules/secondary-accounts';
import { passwordCodeFlow } from '../support/code-flow';
import { HttpBrowser } from '../support/http-browser';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';
const NEW_PASSWORD = 'Parapluie-Rouge-42';
const REDIRECT_URI = 'http://127.0.0.1:9/retour';

type Page = { status: number; body: string };

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];
/** What a person reads or hears of the page's main content: its text and its labelling attributes (not ids). */
const main = (body: string) => {
  const content = /<main[\s\S]*<\/main>/.exec(body)?.[0] ?? '';
  const labels = [
    ...content.matchAll(/\s(?:title|aria-label|alt|placeholder|data-fr-(?:un)?checked-label)="([^"]*)"/g),
  ];
  return [content.replace(/<[^>]*>/g, ' '), ...labels.map((m) => m[1])].join('\n');
};
/** French that must not be left on an English page of « Gestion des Comptes ». */
const FRENCH =
  /[éèêàùçôî]|Gestion des Comptes|Enregistrer|Compte secondaire|compte\(s\)|Raison sociale|Responsable|Téléprocédure|Mot de passe|facultatif|Retour|Modifier|Désactiver|Rechercher|Statut|\bOui\b|\bNon\b|Boîte|Créer|Identité|Facturation|Onglets|Adresse|Numéro|Nom voie|Ville|Pays|Choisir|Destinataires|Abonnement|Saisissez/;

describe('« Gestion des Comptes » in English (Accept-Language, the switch), its errors and its e-mail', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let site: client.Configuration;
  let secondaryId: string;

  const company = async (identifier: string, siret: string, email: string, locale: 'fr' | 'en') => {
    const { id } = await app.app.get(IdentityService).createActiveAccount({
      email,
      identifier,
      password: PASSWORD,
      givenName: 'Pierre',
      familyName: 'DUPONT',
    });
    await app.dataSource.query(
      `WITH numbers AS (INSERT INTO organisation_number (account_id, siren, siret) VALUES ($1, $2, $3))
       UPDATE account SET profile = 'entreprise', civility = 'monsieur', locale = $5,
         organisation_name = $4, address_line = '56 rue de Billancourt', postal_code = '92100',
         city = 'BOULOGNE BILLANCOURT' WHERE id = $1`,
      [id, siret.slice(0, 9), siret, `SOCIETE ${identifier.toUpperCase()}`, locale],
    );
    await app.app.get(CompanyAccounts).ensurePrimary(id);
  };

  /** Signs in to the account space in a language: `Accept-Language`, or the switch's cookie. */
  const signIn = async (login: string, how: 'accept-language' | 'cookie' | 'french') => {
    const browser = new HttpBrowser();
    if (how === 'accept-language') browser.headers['accept-language'] = 'en-GB,en;q=0.9';
    if (how === 'cookie') {
      browser.headers['accept-language'] = 'fr';
      await browser.get(`${app.url}/langue?choix=en&retour=%2F`);
    }
    let page = await browser.get(`${app.url}/compte/entreprise`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1000));
    return { browser, page };
  };

  const english = (page: Page, heading: RegExp, where: string) => {
    assert.equal(page.status, 200, `${where}: ${page.body.slice(0, 500)}`);
    assert.equal(lang(page.body), 'en', where);
    assert.match(page.body, heading, where);
    const french = FRENCH.exec(main(page.body));
    assert.equal(
      french,
      null,
      `${where}: « ${french?.[0]} » in ${main(page.body).slice(Math.max(0, (french?.index ?? 0) - 200), (french?.index ?? 0) + 100)}`,
    );
  };

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site', client_name: 'Filing site', redirect_uris: [REDIRECT_URI] }, (m) =>
        oidc.validateClient(m),
      );
    site = await client.discovery(
      new URL(app.config.issuer),
      'site',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const catalogue = app.app.get(Teleprocedures);
    // The catalogue's descriptions are the operator's data (shown as written).
    await catalogue.add({ code: 'AED', description: 'Employer certificate', recipients: ['Employment agency'] });
    await catalogue.add({ code: 'DSI', description: 'Self-employed return', recipients: ['SSI'] });
    await company('asp1ent', '07955542100019', 'contact@asp-one.fr', 'en');
    await company('autre', '73282932000074', 'contact@autre.fr', 'fr');
    const primary = (await app.app
      .get(CompanyAccounts)
      .primaryOfAccount((await app.app.get(IdentityService).findByLogin('asp1ent'))!.id))!;
    await app.app
      .get(Teleprocedures)
      .savePrimaryOptions(primary, { quota: '2', teleprocedures: ['AED', 'DSI'] }, primary.accountId!);
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  it('shows every tab of the primary account, and the creation of a secondary account, in English', async () => {
    const { browser, page } = await signIn('asp1ent', 'accept-language');
    english(page, /<h1>Account management<\/h1>/, 'home');
    assert.match(page.body, /<caption>Your primary account<\/caption>/);
    assert.match(page.body, /<th scope="row">Company name<\/th><td>SOCIETE ASP1ENT<\/td>/);
    assert.match(page.body, /<td>Company<\/td>/, 'the type');
    assert.match(page.body, /<td>Primary account<\/td>/, 'the profile');
    assert.match(page.body, /<td>Open<\/td>/, 'the status');
    assert.match(page.body, /<td>Mr Pierre DUPONT<\/td>/);
    assert.match(page.body, /0 secondary accounts found\. Accounts with a mailbox: 0 of 2 planned\./);
    assert.match(page.body, />Create a secondary account</);
    assert.match(page.body, /aria-current="page"[^>]*>Account management</, 'the menu entry');

    for (const [tab, heading, text] of [
      ['identite', /Account management — Identity/, /Copy the person in charge’s details/],
      ['options', /Account management — Options/, /Number of secondary accounts wanted/],
      ['facturation', /Account management — Billing/, /Use the person in charge’s address for billing/],
      ['mot-de-passe', /Account management — Password/, /Current password/],
    ] as const) {
      const tabPage = await browser.get(`${app.url}/compte/entreprise/${tab}`, app.url);
      english(tabPage, heading, tab);
      assert.match(tabPage.body, text, tab);
      assert.match(tabPage.body, /<nav class="fr-mb-3w" aria-label="Primary account tabs">/, tab);
      assert.match(tabPage.body, /<button class="fr-btn" type="submit">(Save|Create)/, tab);
    }

    const form = await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/nouveau`, app.url);
    english(form, /<h1>Create a secondary account<\/h1>/, 'nouveau');
    assert.match(form.body, /« cs1 » gives the account cs1\.asp1ent\./);
    assert.match(form.body, /<caption>Online filing services<\/caption>/);
    const refused = await browser.submit(
      form,
      /nouveau$/,
      { name: 'Cs 1!', password: PASSWORD, passwordConfirmation: 'autre-chose', teleprocedures: 'AED' },
      app.url,
    );
    assert.equal(refused.status, 400);
    assert.equal(lang(refused.body), 'en');
    assert.match(refused.body, /The form contains 2 errors/);
    assert.match(refused.body, /The account name has 1 to 30 characters/);
    assert.match(refused.body, /The two passwords are not the same\./);
    const created = await browser.submit(
      form,
      /nouveau$/,
      { name: 'cs1', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD, teleprocedures: 'AED' },
      app.url,
    );
    english(created, /The secondary account cs1\.asp1ent has been created\./, 'created');
    assert.match(created.body, /1 secondary account found\./);
    assert.match(created.body, />Deactivate<span class="fr-sr-only"> cs1\.asp1ent<\/span>/);
    secondaryId = /comptes-secondaires\/([0-9a-f-]{36})"/.exec(created.body)![1];
  });

  it('shows the tabs of a secondary account in English, with the language chosen by the switch', async () => {
    const { browser, page } = await signIn('asp1ent', 'cookie');
    english(page, /<h1>Account management<\/h1>/, 'home (switch)');
    for (const [tab, text] of [
      ['identite', /Technical or operations contact/],
      ['options', /I allow this secondary account to subscribe to the online filing services of its choice/],
      ['mot-de-passe', /The new password replaces that of the account cs1\.asp1ent/],
    ] as const) {
      const tabPage = await browser.get(
        `${app.url}/compte/entreprise/comptes-secondaires/${secondaryId}/${tab}`,
        app.url,
      );
      english(tabPage, /<h1>Secondary account cs1\.asp1ent<\/h1>/, `secondary ${tab}`);
      assert.match(tabPage.body, text, tab);
      assert.match(tabPage.body, /aria-label="Secondary account tabs"/, tab);
      assert.doesNotMatch(tabPage.body, /\/facturation"/, 'no billing tab for a secondary');
    }
  });

  it('answers a wrong form in English, keeping what was typed', async () => {
    const { browser } = await signIn('asp1ent', 'accept-language');
    const form = await browser.get(`${app.url}/compte/entreprise/identite`, app.url);
    const refused = await browser.submit(
      form,
      /identite$/,
      { nic: '123', postalCode: '9210', email: 'pas-une-adresse', name: 'SOCIETE ASP1ENT', familyName: 'DUPONT' },
      app.url,
    );
    assert.equal(refused.status, 400);
    assert.equal(lang(refused.body), 'en');
    assert.match(refused.body, /The form contains 3 errors/);
    assert.match(refused.body, /The NIC has 5 digits, for example 00019\./);
    assert.match(refused.body, /A French postcode has 5 digits, for example 92100\./);
    assert.match(refused.body, /Enter a valid e-mail address, for example name@example\.com\./);
    assert.match(refused.body, /value="9210"/);
    assert.doesNotMatch(main(refused.body), /Saisissez|compte 5 chiffres/);

    const billing = await browser.get(`${app.url}/compte/entreprise/facturation`, app.url);
    const billingRefused = await browser.submit(billing, /facturation$/, { billingCity: '' }, app.url);
    assert.equal(billingRefused.status, 400);
    assert.match(billingRefused.body, /Enter the street name \(or a PO box\) of the billing address\./);

    // The same form from a French page: French, as before.
    const { browser: french } = await signIn('autre', 'french');
    const frenchForm = await french.get(`${app.url}/compte/entreprise/identite`, app.url);
    assert.match(frenchForm.body, /Gestion des Comptes — Identité/);
    const frenchRefused = await french.submit(
      frenchForm,
      /identite$/,
      { nic: '123', name: 'X', familyName: 'Y', email: 'a@b.fr' },
      app.url,
    );
    assert.equal(lang(frenchRefused.body), 'fr');
    assert.match(frenchRefused.body, /Le NIC compte 5 chiffres, par exemple 00019\./);
  });

  it('refuses a closed company account at sign-in with an English reason', async () => {
    await app.dataSource.query(`UPDATE company_account SET status = 'closed' WHERE id = $1`, [secondaryId]);
    try {
      const browser = new HttpBrowser();
      browser.headers['accept-language'] = 'en';
      const refused = await passwordCodeFlow(site, app.url, {
        identifier: 'cs1.asp1ent',
        password: NEW_PASSWORD,
        redirectUri: REDIRECT_URI,
        scope: 'openid company',
        browser,
      });
      assert.equal(refused.tokens, undefined);
      assert.equal(refused.page.status, 403);
      assert.equal(lang(refused.page.body), 'en');
      assert.match(refused.page.body, /The secondary account cs1\.asp1ent is deactivated\./);
      assert.match(refused.page.body, /Ask the primary account asp1ent to reactivate it/);
      assert.doesNotMatch(refused.page.body, /est désactivé/);
    } finally {
      await app.dataSource.query(`UPDATE company_account SET status = 'open' WHERE id = $1`, [secondaryId]);
    }
  });

  it('describes the company scope in English on the consent page', async () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en';
    const url = client.buildAuthorizationUrl(site, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid company',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    let page = await browser.get(url.toString(), app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'autre' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(lang(page.body), 'en');
    assert.match(
      page.body,
      /your account’s company \(SIREN, SIRET, company name\), its profile \(primary or secondary\)/,
    );
  });

  it('sends the notice of a changed password in the account’s language: English for `en`, French otherwise', async () => {
    const { browser } = await signIn('asp1ent', 'accept-language');
    const form = await browser.get(`${app.url}/compte/entreprise/mot-de-passe`, app.url);
    const changed = await browser.submit(
      form,
      /mot-de-passe$/,
      { currentPassword: PASSWORD, password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD },
      app.url,
    );
    english(changed, /Your password has been changed: your other sessions have been closed/, 'password changed');
    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor(
      (m) => sentTo('contact@asp-one.fr')(m) && m.subject === 'The password of the account asp1ent has been changed',
    );
    assert.match(mail.text ?? '', /^Dear Sir,/);
    assert.match(
      mail.text ?? '',
      /The password of your account asp1ent has just been changed \(\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} \(Paris time\)\)\./,
    );
    assert.match(mail.text ?? '', /Yours faithfully,/);
    assert.match(String(mail.html), /<html lang="en">/);
    assert.match(String(mail.html), /The password of your account <strong>asp1ent<\/strong> has just been changed/);
    assert.doesNotMatch(`${mail.subject} ${mail.text}`, /Monsieur|modifié|salutations/);

    // The same notice for an account whose language is French, even from an English page.
    const { browser: other } = await signIn('autre', 'accept-language');
    const otherForm = await other.get(`${app.url}/compte/entreprise/mot-de-passe`, app.url);
    await other.submit(
      otherForm,
      /mot-de-passe$/,
      { currentPassword: PASSWORD, password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD },
      app.url,
    );
    await app.app.get(OutboxWorker).deliverDue();
    const french = await smtp.waitFor(
      (m) => sentTo('contact@autre.fr')(m) && m.subject === 'Le mot de passe du compte autre a été modifié',
    );
    assert.match(french.text ?? '', /^Monsieur,/);
    assert.match(
      french.text ?? '',
      /Le mot de passe de votre compte autre vient d’être modifié \(\d{1,2} \S+ \d{4} à \d{2}:\d{2}\)\./,
    );
    assert.match(french.text ?? '', /Avec nos salutations respectueuses,/);
    assert.match(String(french.html), /<html lang="fr">/);
  });
});
