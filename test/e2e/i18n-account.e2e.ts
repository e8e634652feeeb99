import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdentityService } from '../../src/modules/identity';
import { NotificationsService, OutboxWorker } from '../../src/modules/notifications';
import { withLocale } from '../../src/platform/i18n/i18n';
import { HttpBrowser } from '../support/http-browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];
const h1 = (body: string) =>
  /<h1[^>]*>([\s\S]*?)<\/h1>/
    .exec(body)?.[1]
    .replace(/<[^>]+>/g, '')
    .trim();

/** Words and letters only French has: what must not be left in an English page's main content. */
const FRENCH =
  /[àâçéèêëîïôûùœ]|\b(le|la|les|des|du|une|et|est|vous|votre|vos|pour|avec|sur|dans|mon|mes|compte|adresse|connexion|identifiant|modifier|supprimer|enregistrer|annuler|retour)\b/i;

/** The text of the page's main content (from its heading to the end of `<main>`), the values shown removed. */
function mainText(body: string, ...values: string[]): string {
  const start = body.indexOf('<h1');
  const end = body.indexOf('</main>');
  const text = body
    .slice(start, end === -1 ? undefined : end)
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ');
  return values
    .reduce((t, value) => t.replaceAll(value, ' '), text)
    .replace(/\s+/g, ' ')
    .trim();
}

function assertEnglish(page: { url: string; body: string }, ...values: string[]): void {
  assert.equal(lang(page.body), 'en', page.url);
  const text = mainText(page.body, ...values);
  assert.doesNotMatch(text, FRENCH, `${page.url}: ${text}`);
}

describe('The account space, its links, its e-mails and SMS in English (and French otherwise)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let gateway: HttpSink;
  const deliver = () => app.app.get(OutboxWorker).deliverDue();

  before(async () => {
    smtp = await startSmtpServer();
    gateway = await startHttpSink();
    app = await startTestApp({
      env: { SMTP_URL: smtp.url, SMS_GATEWAY_URL: `${gateway.url}/sms`, SMS_GATEWAY_TOKEN: 'jeton' },
    });
    const identity = app.app.get(IdentityService);
    for (const [name, locale] of [
      ['jane', 'en'],
      ['john', 'en'],
      ['paul', 'fr'],
      ['mary', 'en'],
    ] as const) {
      await identity.createActiveAccount({
        email: `${name}@example.fr`,
        identifier: name,
        password: PASSWORD,
        givenName: name.charAt(0).toUpperCase() + name.slice(1),
        familyName: 'Doe',
      });
      await app.dataSource.query(`UPDATE account SET locale = $1 WHERE identifier = $2`, [locale, name]);
    }
    await app.dataSource.query(
      `UPDATE account SET mobile_phone = '+33612345678', mobile_phone_verified = true WHERE identifier = 'mary'`,
    );
  });
  after(async () => {
    await app.close();
    await smtp.stop();
    await gateway.stop();
  });

  const english = () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en-GB,en;q=0.9';
    return browser;
  };

  /** Signs in to the account space through the provider's pages; returns the account's home page. */
  const accountSpace = async (browser: HttpBrowser, login: string) => {
    let page = await browser.get(`${app.url}/compte`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1500));
    return page;
  };

  it('shows every page of the account space in English for an English browser', async () => {
    const browser = english();
    const home = await accountSpace(browser, 'jane');
    assert.equal(h1(home.body), 'My account');
    assert.match(home.body, /Hello Jane\./);
    assertEnglish(home, 'jane@example.fr', 'Jane Doe', 'Jane');

    const pages: Array<[string, string]> = [
      ['/compte/profil', 'My profile'],
      ['/compte/adresse-electronique', 'Change e-mail address'],
      ['/compte/mot-de-passe', 'Change password'],
      ['/compte/securite', 'Security'],
      ['/compte/donnees', 'My data'],
    ];
    for (const [path, heading] of pages) {
      const page = await browser.get(`${app.url}${path}`, app.url);
      assert.equal(page.status, 200, path);
      assert.equal(h1(page.body), heading, path);
      // A site's name is the one it was registered with (the account space's own is French).
      assertEnglish(page, 'jane@example.fr', 'Jane', 'Doe', 'l’espace « Mon compte »');
    }
    const profile = await browser.get(`${app.url}/compte/profil`, app.url);
    assert.match(profile.body, /<label class="fr-label" for="familyName">Birth name/);
    assert.match(profile.body, /<title>My profile/);
    const security = await browser.get(`${app.url}/compte/securite`, app.url);
    assert.match(security.body, /Signed in on \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} \(Paris time\)/);
    assert.match(security.body, /This session/);
  });

  it('answers the forms’ errors in English, and in French for a French browser', async () => {
    const browser = english();
    await accountSpace(browser, 'jane');
    const form = await browser.get(`${app.url}/compte/profil`, app.url);
    const profile = await browser.submit(form, /\/compte\/profil$/, {
      civility: 'madame',
      familyName: 'Doe',
      givenName: 'Jane',
      birthDate: '1985-04-12',
      mobilePhone: '12',
      postalCode: '7500',
      country: 'France',
    });
    assert.equal(profile.status, 400);
    assert.match(profile.body, /<title>Error: My profile/);
    assert.match(profile.body, /Enter a valid mobile number, for example 06 12 34 56 78\./);
    assert.match(profile.body, /The postcode has 5 digits, for example 75001\./);
    assertEnglish(profile, 'Jane', 'Doe', 'jane@example.fr', 'France', '06 12 34 56 78', '75001');

    const emailForm = await browser.get(`${app.url}/compte/adresse-electronique`, app.url);
    const email = await browser.submit(emailForm, /adresse-electronique$/, {
      email: 'jane@example.fr',
      currentPassword: 'pas-le-bon',
    });
    assert.equal(email.status, 400);
    assert.match(email.body, /This is already your account’s address\./);
    assert.match(email.body, /Incorrect password\./);

    const passwordForm = await browser.get(`${app.url}/compte/mot-de-passe`, app.url);
    const password = await browser.submit(passwordForm, /mot-de-passe$/, {
      currentPassword: 'pas-le-bon',
      password: 'Parapluie-Orange-42',
      passwordConfirmation: 'Parapluie-Orange-43',
    });
    assert.equal(password.status, 400);
    assert.match(password.body, /Incorrect current password\./);
    assert.match(password.body, /The two passwords are not the same\./);

    const dataForm = await browser.get(`${app.url}/compte/donnees`, app.url);
    const deletion = await browser.submit(dataForm, /supprimer$/, { password: PASSWORD });
    assert.equal(deletion.status, 400);
    assert.match(deletion.body, /Tick the box to confirm the final deletion\./);
    assert.match(deletion.body, /<title>Error: My data/);

    const french = new HttpBrowser();
    await accountSpace(french, 'paul');
    const frenchForm = await french.get(`${app.url}/compte/profil`, app.url);
    const frenchProfile = await french.submit(frenchForm, /\/compte\/profil$/, {
      civility: 'monsieur',
      familyName: 'Doe',
      givenName: 'Paul',
      birthDate: '1980-01-02',
      mobilePhone: '12',
    });
    assert.equal(lang(frenchProfile.body), 'fr');
    assert.match(frenchProfile.body, /<title>Erreur : Mon profil/);
    assert.match(frenchProfile.body, /Saisissez un numéro de mobile valide, par exemple 06 12 34 56 78\./);
  });

  it('asks for an e-mail change in English and sends both e-mails in the account’s language', async () => {
    const browser = english();
    await accountSpace(browser, 'john');
    const form = await browser.get(`${app.url}/compte/adresse-electronique`, app.url);
    const sent = await browser.submit(form, /adresse-electronique$/, {
      email: 'john.new@example.fr',
      currentPassword: PASSWORD,
    });
    assert.equal(sent.status, 200, sent.body.slice(0, 1500));
    assert.equal(h1(sent.body), 'Check your new address');
    assert.match(sent.body, /A confirmation link has just been sent to john\.new@example\.fr\./);
    assertEnglish(sent, 'john.new@example.fr', 'john@example.fr');

    await deliver();
    const confirm = await smtp.waitFor(sentTo('john.new@example.fr'));
    assert.equal(confirm.subject, 'Confirm your new e-mail address');
    assert.match(confirm.text ?? '', /^Hello John,/);
    assert.match(
      confirm.text ?? '',
      /You asked for john\.new@example\.fr to become the e-mail address of your account john\. To confirm, open this link, valid for \d+ hours:/,
    );
    assert.match(String(confirm.html), /<html lang="en">/);
    assert.match(String(confirm.html), />Confirm my new address</);
    assert.doesNotMatch(confirm.text ?? '', /Bonjour|Confirmez|adresse électronique/);
    const warning = await smtp.waitFor(sentTo('john@example.fr'));
    assert.equal(warning.subject, 'Change of your account’s e-mail address');
    assert.match(warning.text ?? '', /A change of the e-mail address of your account john to john\.new@example\.fr/);
    assert.doesNotMatch(warning.text ?? '', /Bonjour|Réinitialisez/);

    // The link of the e-mail: its confirmation page, then a damaged link, in English.
    const link = /(\/compte\/adresse\/[\w-]{43})/.exec(confirm.text ?? '')![1];
    const page = await browser.get(`${app.url}${link}`, app.url);
    assert.equal(h1(page.body), 'Confirm my new address');
    assertEnglish(page);
    const done = await browser.submit(page, /\/compte\/adresse\//, {}, app.url);
    assert.equal(h1(done.body), 'E-mail address changed');
    assertEnglish(done);
    const damaged = await browser.get(`${app.url}/compte/adresse/AbCdEf0123`, app.url);
    assert.equal(damaged.status, 400);
    assert.equal(h1(damaged.body), 'This link is not valid');
    assertEnglish(damaged);

    // A French account gets them in French.
    const french = new HttpBrowser();
    await accountSpace(french, 'paul');
    const frenchForm = await french.get(`${app.url}/compte/adresse-electronique`, app.url);
    await french.submit(frenchForm, /adresse-electronique$/, {
      email: 'paul.new@example.fr',
      currentPassword: PASSWORD,
    });
    await deliver();
    const frenchConfirm = await smtp.waitFor(sentTo('paul.new@example.fr'));
    assert.equal(frenchConfirm.subject, 'Confirmez votre nouvelle adresse électronique');
    assert.match(frenchConfirm.text ?? '', /^Bonjour Paul,\n\nVous avez demandé que paul\.new@example\.fr devienne/);
    const frenchWarning = await smtp.waitFor(sentTo('paul@example.fr'));
    assert.equal(frenchWarning.subject, 'Changement de l’adresse électronique de votre compte');
  });

  it('shows the activation link and the damaged links of activation, invitation and recovery in English', async () => {
    const browser = english();
    const confirm = await browser.get(`${app.url}/activation/${'A'.repeat(43)}`);
    assert.equal(h1(confirm.body), 'Activate my account');
    assertEnglish(confirm);
    const used = await browser.submit(confirm, /\/activation\//, {});
    assert.equal(used.status, 400);
    assert.equal(h1(used.body), 'This link is not valid');
    assert.match(used.body, /If you have already activated your account, sign in\./);
    assertEnglish(used);
    for (const path of [
      '/activation/AbCdEf0123',
      '/invitation/AbCdEf0123',
      '/mot-de-passe-oublie/nouveau/AbCdEf0123',
    ]) {
      const page = await browser.get(`${app.url}${path}`);
      assert.equal(page.status, 400, path);
      assert.equal(h1(page.body), 'This link is not valid', path);
      assertEnglish(page);
    }
    const french = await new HttpBrowser().get(`${app.url}/invitation/AbCdEf0123`);
    assert.equal(h1(french.body), 'Ce lien n’est pas valable');
  });

  it('sends an invitation in the language the inviter gives, else French, and shows its page in the invited person’s', async () => {
    const identity = app.app.get(IdentityService);
    const invitedBy = { actor: { type: 'system' as const }, name: 'Martin Ltd' };
    await identity.inviteAccount({
      email: 'kate@example.fr',
      givenName: 'Kate',
      familyName: 'Brown',
      invitedBy,
      locale: 'en',
    });
    // Invited from an English page without a language: French, the invited person's language being unknown.
    await withLocale('en', () =>
      identity.inviteAccount({ email: 'luc@example.fr', givenName: 'Luc', familyName: 'Blanc', invitedBy }),
    );
    await deliver();
    const mail = await smtp.waitFor(sentTo('kate@example.fr'));
    assert.equal(mail.subject, 'An account has been created for you');
    assert.match(
      mail.text ?? '',
      /^Hello Kate,\n\nMartin Ltd has created an account for you with the identifier \S+\./,
    );
    assert.match(mail.text ?? '', /This link is valid until \d{1,2} [A-Z][a-z]+ \d{4}\. After that, ask Martin Ltd/);
    assert.match(String(mail.html), />Choose my password</);
    assert.doesNotMatch(mail.text ?? '', /Bonjour|Choisissez|valable/);
    const frenchMail = await smtp.waitFor(sentTo('luc@example.fr'));
    assert.equal(frenchMail.subject, 'Un compte a été créé pour vous');
    assert.match(frenchMail.text ?? '', /^Bonjour Luc,\n\nMartin Ltd a créé pour vous un compte avec l’identifiant/);

    const link = /(\/invitation\/[\w-]{43})/.exec(mail.text ?? '')![1];
    const browser = english();
    const page = await browser.get(`${app.url}${link}`);
    assert.equal(page.status, 200);
    assert.equal(h1(page.body), 'Choose your password');
    assertEnglish(page);
    const refused = await browser.submit(page, /\/invitation\//, {
      password: 'Parapluie-Orange-42',
      passwordConfirmation: 'Parapluie-Orange-42',
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /You must accept the terms of use\./);
    assert.match(refused.body, /You must accept the processing of your personal data\./);
    const accepted = await browser.submit(page, /\/invitation\//, {
      password: 'Parapluie-Orange-42',
      passwordConfirmation: 'Parapluie-Orange-42',
      acceptTerms: 'oui',
      acceptPrivacy: 'oui',
    });
    assert.equal(accepted.status, 200, accepted.body.slice(0, 1500));
    assert.equal(h1(accepted.body), 'Your account is activated');
    assertEnglish(accepted);
    const [kate] = await app.dataSource.query<Array<{ locale: string }>>(
      `SELECT locale FROM account WHERE email = 'kate@example.fr'`,
    );
    assert.equal(kate.locale, 'en');
  });

  it('sends the password reset code by SMS in the account’s language', async () => {
    const before = gateway.requests.length;
    const browser = english();
    const form = await browser.get(`${app.url}/mot-de-passe-oublie`);
    await browser.submit(form, /mot-de-passe-oublie$/, { login: 'mary', channel: 'sms' });
    await deliver();
    await gateway.waitFor(() => gateway.requests.length > before);
    const text = (JSON.parse(gateway.requests[before].body) as { text: string }).text;
    assert.match(
      text,
      /^\d{6} is your code to choose a new password \(Identity platform\), valid for 10 minutes\. Do not share it with anyone\.$/,
    );

    await app.dataSource.query(`UPDATE account SET locale = 'fr' WHERE identifier = 'mary'`);
    const french = new HttpBrowser();
    const frenchForm = await french.get(`${app.url}/mot-de-passe-oublie`);
    await french.submit(frenchForm, /mot-de-passe-oublie$/, { login: 'mary', channel: 'sms' });
    await deliver();
    await gateway.waitFor(() => gateway.requests.length > before + 1);
    const frenchText = (JSON.parse(gateway.requests[before + 1].body) as { text: string }).text;
    assert.match(frenchText, /^\d{6} est votre code pour choisir un nouveau mot de passe \(Plateforme d’identité\)/);
  });

  it('sends the activation code by SMS in the language of the pages the account registered on', async () => {
    const before = gateway.requests.length;
    const browser = english();
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    const done = await browser.submit(form, /\/inscription\/citoyen$/, {
      civility: 'madame',
      familyName: 'Smith',
      givenName: 'Alice',
      birthDate: '1985-04-12',
      email: 'alice.smith@example.fr',
      mobilePhone: '06 11 22 33 44',
      identifier: '',
      password: PASSWORD,
      passwordConfirmation: PASSWORD,
      acceptTerms: 'oui',
      acceptPrivacy: 'oui',
      activationChannel: 'sms',
    });
    // The page where the person chooses the SMS (the registration's), then the code is sent.
    assert.match(done.url, /\/activation\/choix/, done.body.slice(0, 2000));
    const code = await browser.submit(done, /\/activation\/choix$/, { channel: 'sms' });
    assert.ok(code.status < 400, code.body.slice(0, 2000));
    await deliver();
    await gateway.waitFor(() => gateway.requests.length > before);
    const text = (JSON.parse(gateway.requests[before].body) as { text: string }).text;
    assert.match(
      text,
      /^\d{6} is your activation code \(Identity platform\), valid for \d+ minutes\. Do not share it with anyone\.$/,
    );
  });

  it('sends a digest in the language it was opened in', async () => {
    const notifications = app.app.get(NotificationsService);
    const open = (to: string, locale?: 'en') =>
      app.dataSource.transaction((manager) =>
        notifications.enqueueDigestItem(manager, {
          to,
          template: 'activity-digest',
          item: { text: 'Statuts.pdf', path: '/compte' },
          locale,
        }),
      );
    const english = await open('digest.en@example.fr', 'en');
    await open('digest.en@example.fr');
    const french = await open('digest.fr@example.fr');
    await app.dataSource.query(`UPDATE outbox_message SET next_attempt_at = now() WHERE id IN ($1, $2)`, [
      english,
      french,
    ]);
    await deliver();
    const mail = await smtp.waitFor(sentTo('digest.en@example.fr'));
    assert.equal(mail.subject, '2 new items on your account');
    assert.match(mail.text ?? '', /^Hello,\n\nHere are the 2 events of the last few minutes on your account:/);
    assert.match(mail.text ?? '', /You receive this summary instead of one e-mail per event\./);
    const frenchMail = await smtp.waitFor(sentTo('digest.fr@example.fr'));
    assert.equal(frenchMail.subject, 'Du nouveau sur votre compte');
    assert.match(frenchMail.text ?? '', /^Bonjour,\n\nVoici ce qui s’est passé sur votre compte :/);
  });

  it('deletes an account from English pages and says goodbye in English', async () => {
    const browser = english();
    await accountSpace(browser, 'john');
    const form = await browser.get(`${app.url}/compte/donnees`, app.url);
    const deleted = await browser.submit(form, /supprimer$/, { password: PASSWORD, confirm: 'oui' }, app.url);
    assert.equal(deleted.status, 200, deleted.body.slice(0, 1500));
    assert.equal(h1(deleted.body), 'Your account has been deleted');
    assertEnglish(deleted);
    await deliver();
    const mail = await smtp.waitFor((m) => sentTo('john.new@example.fr')(m) && /deleted/.test(m.subject ?? ''));
    assert.equal(mail.subject, 'Your account has been deleted');
    assert.match(
      mail.text ?? '',
      /^Hello John,\n\nYour account john has been deleted at your request \(\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} \(Paris time\)\)\./,
    );
    assert.doesNotMatch(mail.text ?? '', /Bonjour|supprimé/);

    const french = new HttpBrowser();
    await accountSpace(french, 'paul');
    const frenchForm = await french.get(`${app.url}/compte/donnees`, app.url);
    await french.submit(frenchForm, /supprimer$/, { password: PASSWORD, confirm: 'oui' }, app.url);
    await deliver();
    const frenchMail = await smtp.waitFor((m) => sentTo('paul@example.fr')(m) && /supprimé/.test(m.subject ?? ''));
    assert.equal(frenchMail.subject, 'Votre compte a été supprimé');
    assert.match(frenchMail.text ?? '', /^Bonjour Paul,\n\nVotre compte paul a été supprimé à votre demande/);
  });
});
