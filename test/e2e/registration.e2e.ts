import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { PendingAccountsJob } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { passwordCodeFlow } from '../support/code-flow';
import { HttpBrowser } from '../support/http-browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/retour';
const PASSWORD = 'Chaussette-Volante-7';

const citizen = (overrides: Record<string, string> = {}) => ({
  civility: 'madame',
  familyName: 'Dupont',
  givenName: 'Élise',
  birthDate: '1985-04-12',
  email: 'elise.dupont@example.fr',
  mobilePhone: '',
  identifier: '',
  password: PASSWORD,
  passwordConfirmation: PASSWORD,
  acceptTerms: 'oui',
  acceptPrivacy: 'oui',
  activationChannel: 'email',
  ...overrides,
});

describe('Registration and activation (real SMTP server, SMS gateway)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let gateway: HttpSink;
  let worker: OutboxWorker;
  let config: client.Configuration;

  before(async () => {
    smtp = await startSmtpServer();
    gateway = await startHttpSink();
    app = await startTestApp({
      env: { SMTP_URL: smtp.url, SMS_GATEWAY_URL: `${gateway.url}/sms`, SMS_GATEWAY_TOKEN: 'jeton' },
    });
    worker = app.app.get(OutboxWorker);
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site', redirect_uris: [REDIRECT_URI] }, (m) => oidc.validateClient(m));
    config = await client.discovery(
      new URL(app.config.issuer),
      'site',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
  });
  after(async () => {
    await app.close();
    await smtp.stop();
    await gateway.stop();
  });

  const signIn = (identifier: string, password = PASSWORD) =>
    passwordCodeFlow(config, app.url, { identifier, password, redirectUri: REDIRECT_URI });

  it('creates a pending citizen account, activated by the e-mailed link, which then signs in to a site', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    assert.equal(form.status, 200);
    const done = await browser.submit(form, /\/inscription\/citoyen$/, citizen());
    assert.equal(done.status, 200, done.body.slice(0, 3000));
    assert.match(done.body, /Un e-mail d’activation vient d’être envoyé à elise\.dupont@example\.fr/);

    // Not usable yet: the right password says so and offers to resend.
    const early = await signIn('elise.dupont');
    assert.equal(early.page.status, 403);
    assert.match(early.page.body, /Votre compte n’est pas encore activé/);

    await worker.deliverDue();
    const mail = await smtp.waitFor((m) => m.subject === 'Activez votre compte');
    assert.match(mail.text ?? '', /identifiant elise\.dupont/);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/activation\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1];
    const confirm = await browser.get(link);
    assert.match(confirm.body, /Activer mon compte/);
    const activated = await browser.submit(confirm, /\/activation\//, {});
    assert.match(activated.body, /Votre compte est activé/);
    assert.match(activated.body, /M’identifier/);
    // Single use.
    const again = await browser.submit(confirm, /\/activation\//, {});
    assert.equal(again.status, 400);
    assert.match(again.body, /Ce lien n’est pas valable : il a déjà servi/);

    const { tokens } = await signIn('elise.dupont@example.fr');
    assert.ok(tokens?.id_token);
    const [account] = await app.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT status, email_verified, profile, terms_version, privacy_accepted_at FROM account WHERE identifier = 'elise.dupont'`,
    );
    assert.equal(account.status, 'active');
    assert.equal(account.email_verified, true);
    assert.ok(account.terms_version && account.privacy_accepted_at);
  });

  it('answers an already used e-mail exactly like a new one, and tells only its holder', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    const page = await browser.submit(
      form,
      /\/inscription\/citoyen$/,
      citizen({ givenName: 'Autre', familyName: 'Personne' }),
    );
    assert.equal(page.status, 200);
    assert.match(page.body, /Un e-mail d’activation vient d’être envoyé à elise\.dupont@example\.fr/);
    await worker.deliverDue();
    const mail = await smtp.waitFor((m) => m.subject === 'Une demande de création de compte avec votre adresse');
    assert.match(mail.text ?? '', /Aucun nouveau compte n’a été créé/);
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM account WHERE email = 'elise.dupont@example.fr'`,
    );
    assert.equal(n, 1);
  });

  it('answers bad input field by field in French and keeps what was typed, except passwords', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/inscription/association`);
    const page = await browser.submit(form, /\/inscription\/association$/, {
      ...citizen({
        email: 'paul@example.fr',
        givenName: 'Paul',
        mobilePhone: '06 12',
        password: 'azerty',
        passwordConfirmation: 'autre',
        acceptPrivacy: '',
        identifier: 'elise.dupont',
      }),
      organisationName: 'Les Amis de Paul',
      organisationNumber: '732 829 321',
      occupation: 'Dirigeant d’association',
    });
    assert.equal(page.status, 400);
    for (const message of [
      /Saisissez un SIREN valide \(9 chiffres\)/,
      /numéro de mobile valide/,
      /Le mot de passe doit comporter au moins 8 caractères, une lettre majuscule et un chiffre\./,
      /Les deux mots de passe ne sont pas identiques/,
      /accepter le traitement de vos données personnelles/,
      /L’identifiant « elise\.dupont » est déjà pris\. Proposition : paul\.dupont/,
    ]) {
      assert.match(page.body, message);
    }
    assert.match(page.body, /value="Les Amis de Paul"/);
    assert.match(page.body, /value="732 829 321"/);
    assert.doesNotMatch(page.body, /value="azerty"/);
  });

  it('activates by SMS code: five wrong codes end it, « Renvoyer » gives a new one', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/inscription/association`);
    let page = await browser.submit(form, /\/inscription\/association$/, {
      ...citizen({
        email: 'asso@example.fr',
        givenName: 'Jean',
        familyName: 'Martin',
        mobilePhone: '07 81 23 45 67',
      }),
      organisationName: 'Les Amis du Quartier',
      rna: 'W751234567',
      occupation: 'Dirigeant d’association',
    });
    // A mobile number given: the choice between SMS and e-mail comes after « Valider » (seed 003, step 5).
    assert.match(page.body, /Valider mon compte par SMS/);
    page = await browser.submit(page, /\/activation\/choix$/, { channel: 'sms' });
    assert.match(page.url, /\/activation\/code\/[0-9a-f-]{36}$/, page.body.slice(0, 2000));
    await worker.deliverDue();
    const sms = await gateway.waitFor((r) => r.body.includes('+33781234567'));
    const code = /(\d{6}) est votre code/.exec((JSON.parse(sms.body) as { text: string }).text)![1];
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 5; i++) {
      page = await browser.submit(page, /\/activation\/code\/[0-9a-f-]+$/, { code: wrong });
      assert.equal(page.status, 400);
      assert.match(page.body, i < 5 ? new RegExp(`Il vous reste ${5 - i} essai`) : /n’est plus valable/);
    }
    // The page no longer offers to type a code; the right one, sent anyway, is refused.
    assert.doesNotMatch(page.body, /Valider le code/);
    const late = await browser.post(page.url, { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1], code });
    assert.match(late.body, /n’est plus valable/, 'the right code after five wrong ones is refused');

    page = await browser.submit(page, /renvoyer$/, {});
    assert.match(page.url, /\/activation\/code\//);
    await worker.deliverDue();
    const second = await gateway.waitFor((r) => r.body.includes('+33781234567') && r !== sms);
    const newCode = /(\d{6}) est votre code/.exec((JSON.parse(second.body) as { text: string }).text)![1];
    page = await browser.submit(page, /\/activation\/code\/[0-9a-f-]+$/, { code: newCode });
    assert.match(page.body, /Votre compte est activé/);
    const { tokens } = await signIn('jean.martin');
    assert.ok(tokens?.id_token);
    const [account] = await app.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT profile, rna, mobile_phone, mobile_phone_verified FROM account WHERE identifier = 'jean.martin'`,
    );
    assert.deepEqual(account, {
      profile: 'association',
      rna: 'W751234567',
      mobile_phone: '+33781234567',
      mobile_phone_verified: true,
    });
  });

  it('offers SMS or e-mail after « Valider » when a mobile is given, sends nothing before the choice, and again at a pending sign-in', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    assert.doesNotMatch(form.body, /name="activationChannel"/, 'the channel is no longer chosen on the form');
    const choice = await browser.submit(
      form,
      /\/inscription\/citoyen$/,
      citizen({ email: 'choix@example.fr', givenName: 'Chloé', familyName: 'Choix', mobilePhone: '06 12 34 56 78' }),
    );
    assert.equal(choice.status, 200);
    assert.match(choice.body, /<h1>Validation de votre compte<\/h1>/);
    assert.match(choice.body, /Valider mon compte par SMS/);
    assert.match(choice.body, /Valider mon compte par e-mail/);
    assert.match(choice.body, /06 •• •• •• 78/);
    assert.doesNotMatch(choice.body, /06 12 34 56 78|\+33612345678/, 'the number is masked');
    assert.match(choice.body, /choix@example\.fr/);
    assert.match(choice.body, /Envoyer le code d’activation/);
    assert.match(choice.body, /Envoyer le lien d’activation/);
    const [{ id }] = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM account WHERE email = 'choix@example.fr' AND status = 'pending'`,
    );
    const secretsOf = async () =>
      (
        await app.dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM account_secret WHERE account_id = $1`,
          [id],
        )
      )[0].n;
    assert.equal(await secretsOf(), 0, 'nothing sent before the choice');

    // A forged or altered ticket sends nothing.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(choice.body)![1];
    const forged = await browser.post(`${app.url}/activation/choix`, {
      _csrf: csrf,
      ticket: 'v1.a.b.c',
      channel: 'sms',
    });
    assert.equal(forged.status, 400);
    assert.match(forged.body, /Cette page n’est plus valable/);
    assert.equal(await secretsOf(), 0);

    const byEmail = await browser.submit(choice, /\/activation\/choix$/, { channel: 'email' });
    assert.equal(byEmail.status, 200);
    assert.match(byEmail.body, /Un e-mail d’activation vient d’être envoyé à choix@example\.fr/);
    await worker.deliverDue();
    const mail = await smtp.waitFor((m) => sentTo('choix@example.fr')(m) && m.subject === 'Activez votre compte');
    assert.match(mail.text ?? '', /\/activation\/[\w-]{43}/);

    // The pending account that signs in gets the same choice; its SMS code activates it.
    const early = await passwordCodeFlow(config, app.url, {
      identifier: 'choix@example.fr',
      password: PASSWORD,
      redirectUri: REDIRECT_URI,
      browser,
    });
    assert.equal(early.page.status, 403);
    assert.match(early.page.body, /Votre compte n’est pas encore activé/);
    assert.match(early.page.body, /06 •• •• •• 78/);
    const sent = await browser.submit(early.page, /\/activation\/choix$/, { channel: 'sms' });
    assert.match(sent.url, /\/activation\/code\/[0-9a-f-]{36}$/, sent.body.slice(0, 2000));
    await worker.deliverDue();
    const sms = await gateway.waitFor((r) => r.body.includes('+33612345678'));
    const code = /(\d{6}) est votre code/.exec((JSON.parse(sms.body) as { text: string }).text)![1];
    const done = await browser.submit(sent, /\/activation\/code\/[0-9a-f-]+$/, { code });
    assert.match(done.body, /Votre compte est activé/);
  });

  it('shows the same choice for an address already in use, and sends nothing to it', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    const choice = await browser.submit(
      form,
      /\/inscription\/citoyen$/,
      citizen({ givenName: 'Intrus', familyName: 'Curieux', mobilePhone: '06 99 88 77 66' }),
    );
    assert.equal(choice.status, 200);
    assert.match(choice.body, /Valider mon compte par SMS/);
    assert.match(choice.body, /06 •• •• •• 66/);
    const page = await browser.submit(choice, /\/activation\/choix$/, { channel: 'sms' });
    assert.match(page.url, /\/activation\/code\/[0-9a-f-]{36}$/);
    await worker.deliverDue();
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox_message WHERE recipient = '+33699887766'`,
    );
    assert.equal(n, 0, 'no SMS to the number typed with another person’s address');
  });

  it('reminds once, 5 days before, then deletes the accounts left unactivated after 30 days (controlled clock)', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    await browser.submit(
      form,
      /\/inscription\/citoyen$/,
      citizen({ email: 'oubli@example.fr', givenName: 'Oubli', familyName: 'Total' }),
    );
    const pending = app.app.get(PendingAccountsJob);
    await worker.deliverDue();
    const firstMail = await smtp.waitFor(sentTo('oubli@example.fr'));
    const firstLink = /\/activation\/[\w-]{43}/.exec(firstMail.text ?? '')![0];

    const in24Days = new Date(Date.now() + 24 * 24 * 3600 * 1000);
    assert.equal(await pending.remindUnactivated(in24Days), 0, 'not yet');
    const in26Days = new Date(Date.now() + 26 * 24 * 3600 * 1000);
    assert.equal(await pending.remindUnactivated(in26Days), 1);
    assert.equal(await pending.remindUnactivated(in26Days), 0, 'once only');
    await worker.deliverDue();
    const reminder = await smtp.waitFor(
      (m) => sentTo('oubli@example.fr')(m) && /bientôt supprimé/.test(m.subject ?? ''),
    );
    assert.match(reminder.text ?? '', /Sans activation avant le \d{1,2} \S+ \d{4}, il sera supprimé/);
    const newLink = /\/activation\/[\w-]{43}/.exec(reminder.text ?? '')![0];
    assert.notEqual(newLink, firstLink);
    const spent = await browser.submit(await browser.get(`${app.url}${firstLink}`), /\/activation\//, {});
    assert.equal(spent.status, 400, 'the link of the first e-mail no longer works');

    const in29Days = new Date(Date.now() + 29 * 24 * 3600 * 1000);
    assert.equal(await pending.purgeUnactivated(in29Days), 0);
    const in31Days = new Date(Date.now() + 31 * 24 * 3600 * 1000);
    assert.equal(await pending.purgeUnactivated(in31Days), 1);
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM account WHERE email = 'oubli@example.fr'`,
    );
    assert.equal(n, 0);
    const [{ active }] = await app.dataSource.query<Array<{ active: number }>>(
      `SELECT count(*)::int AS active FROM account WHERE status = 'active'`,
    );
    assert.equal(active, 3, 'activated accounts stay');
  });
});
