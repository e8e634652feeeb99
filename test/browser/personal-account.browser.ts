import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemo } from '../../src/dev/demo';
import { OutboxWorker } from '../../src/modules/notifications';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { freePort } from '../support/ports';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';
const NEW_PASSWORD = 'Parapluie-Orange-42';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * The personal account through the real pages, in Chromium: registration for each profile with the e-mail read from a
 * local SMTP server and the SMS from a local gateway, activation, sign-in to the demo site, recovery, and the account
 * space (profile, e-mail change, password change ending another session, security, data export and deletion).
 */
describe('Personal accounts in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let gateway: HttpSink;
  let browser: Browser;
  /** Élise's browser: her sessions carry from step to step (registration, then her account space). */
  let context: BrowserContext;
  /** A new tab for each test, closed after it: no test inherits another's page. */
  let page: Page;
  let demoUrl: string;
  let stopDemo: () => Promise<void>;
  const problems: string[] = [];

  const deliver = () => app.app.get(OutboxWorker).deliverDue();
  const mailTo = async (address: string, subject: RegExp) => {
    await deliver();
    return smtp.waitFor((m) => sentTo(address)(m) && subject.test(m.subject ?? ''));
  };
  const linkIn = (text: string | undefined, path: RegExp) => {
    const match = new RegExp(`http://127\\.0\\.0\\.1:\\d+${path.source}`).exec(text ?? '');
    assert.ok(match, `aucun lien ${String(path)} dans :\n${text}`);
    return match[0];
  };
  const smsCode = async (count: number) => {
    await deliver();
    await gateway.waitFor(() => gateway.requests.length >= count);
    const body = JSON.parse(gateway.requests[count - 1].body) as { text: string };
    return /(\d{6})/.exec(body.text)![1];
  };
  const watch = (p: Page) => {
    p.setDefaultTimeout(10_000);
    p.on('console', (message) => {
      // A refused form answers 400 (or 401 for a wrong password) by design; anything else is a problem.
      if (message.type() === 'error' && !/status of 40[01] /.test(message.text())) problems.push(message.text());
    });
    p.on('pageerror', (error) => problems.push(error.message));
  };

  /** Signs in through the account space: identifier, then password. */
  const signIn = async (p: Page, identifier: string, password: string) => {
    await p.goto(`${app.url}/compte`);
    await p.waitForURL(/\/interaction\//);
    await p.getByLabel('Identifiant ou adresse électronique').fill(identifier);
    await p.getByRole('button', { name: 'Continuer' }).click();
    await p.locator('#password').fill(password);
    await p.getByRole('button', { name: 'Se connecter' }).click();
  };

  const fillPerson = async (p: Page, values: { given: string; family: string; email: string; identifier?: string }) => {
    await p.locator('label[for="civility-madame"]').click();
    await p.locator('#familyName').fill(values.family);
    await p.locator('#givenName').fill(values.given);
    await p.locator('#birthDate').fill('1985-04-12');
    await p.locator('#email').fill(values.email);
    if (values.identifier) await p.locator('#identifier').fill(values.identifier);
    await p.locator('#password').fill(PASSWORD);
    await p.locator('#passwordConfirmation').fill(PASSWORD);
    await p.locator('label[for="acceptTerms"]').click();
    await p.locator('label[for="acceptPrivacy"]').click();
  };

  before(async () => {
    smtp = await startSmtpServer();
    gateway = await startHttpSink();
    app = await startTestApp({
      env: {
        SMTP_URL: smtp.url,
        SMS_GATEWAY_URL: `${gateway.url}/sms`,
        SMS_GATEWAY_TOKEN: 'jeton',
        REGISTRATION_CONTRACT_NUMBER: 'optional',
      },
    });
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
    browser = await launchBrowser();
    context = await browser.newContext();
  });
  beforeEach(async () => {
    page = await context.newPage();
    watch(page);
  });
  afterEach(async () => page?.close());
  after(async () => {
    await browser?.close();
    await stopDemo?.();
    await app?.close();
    await smtp?.stop();
    await gateway?.stop();
  });

  it('registers a citizen: live identifier and strength checks, e-mailed link, then signs in to the demo site', async () => {
    await page.goto(`${app.url}/inscription`);
    await screenshot(page, 'inscription-profil');
    await page.getByRole('link', { name: /Citoyen/ }).click();
    await page.waitForURL(/\/inscription\/citoyen$/);
    await fillPerson(page, { given: 'Élise', family: 'Dupont', email: 'elise@example.fr', identifier: 'elise.dupont' });
    await page.waitForSelector('text=Identifiant disponible !');
    await page.locator('#password').fill('azerty');
    await page.waitForSelector('text=Niveau : Faible');
    await page.locator('#password').fill(PASSWORD);
    await page.waitForSelector('text=Mot de passe accepté.');
    await page.locator('label[for="password-show"]').click();
    assert.equal(await page.locator('#password').getAttribute('type'), 'text');
    await screenshot(page, 'inscription-citoyen');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.waitForSelector('text=Un e-mail d’activation vient d’être envoyé à elise@example.fr.');
    await screenshot(page, 'inscription-envoyee');

    const mail = await mailTo('elise@example.fr', /Activez votre compte/);
    await page.goto(linkIn(mail.text, /\/activation\/[\w-]{43}/));
    await screenshot(page, 'activation-confirmation');
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    await page.waitForSelector('text=Votre compte est activé');
    await screenshot(page, 'activation-terminee');

    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
    await page.getByLabel('Identifiant ou adresse électronique').fill('elise@example.fr');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Autoriser' }).click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.locator('#nom').innerText(), 'Élise Dupont');
  });

  it('answers bad input field by field and keeps what was typed (Entreprise, step 1 then 2)', async () => {
    const other = await browser.newPage();
    watch(other);
    await other.goto(`${app.url}/inscription/entreprise`);
    await other.waitForURL(/\/etape\/1$/);
    await other.locator('#organisationName').fill('Martin SARL');
    await other.locator('#organisationNumber').fill('732 829 321');
    await other.getByRole('button', { name: 'Continuer' }).click();
    await other.waitForSelector('text=/Le formulaire contient 1 erreur/');
    assert.match(await other.locator('main').innerText(), /la clé de contrôle ne correspond pas/);
    assert.equal(await other.locator('#organisationName').inputValue(), 'Martin SARL');
    await screenshot(other, 'inscription-entreprise-erreurs');
    await other.locator('#organisationNumber').fill('732 829 320 00074');
    await other.getByRole('button', { name: 'Continuer' }).click();
    await other.waitForURL(/\/etape\/2$/);
    await other.locator('#familyName').fill('Martin');
    await other.locator('#mobilePhone').fill('12');
    await other.getByRole('button', { name: 'Continuer' }).click();
    await other.waitForSelector('text=/Le formulaire contient \\d+ erreurs?/');
    const text = await other.locator('main').innerText();
    for (const message of [/Saisissez un numéro de mobile valide/, /prénom/i]) assert.match(text, message);
    assert.equal(await other.locator('#familyName').inputValue(), 'Martin');
    await other.close();
  });

  it('registers a company in five steps (seed 004), and an association by SMS code, five wrong codes, then a new one', async () => {
    const company = await browser.newPage();
    watch(company);
    await company.goto(`${app.url}/inscription/entreprise`);
    await company.waitForURL(/\/etape\/1$/);
    await company.locator('#organisationName').fill('Martin SARL');
    await company.locator('#organisationNumber').fill('732 829 320 00074');
    await company.locator('#contractNumber').fill('CT-2026-001');
    await company.getByText('Où trouver votre numéro de contrat ?').click();
    await screenshot(company, 'inscription-entreprise-etape-1');
    await company.getByRole('button', { name: 'Continuer' }).click();
    await company.waitForURL(/\/etape\/2$/);
    await company.locator('label[for="civility-monsieur"]').click();
    await company.locator('#familyName').fill('Martin');
    await company.locator('#givenName').fill('Paul');
    await company.locator('#birthDate').fill('1980-02-03');
    await screenshot(company, 'inscription-entreprise-etape-2');
    await company.getByRole('button', { name: 'Continuer' }).click();
    await company.waitForURL(/\/etape\/3$/);
    await company.locator('#email').fill('paul@martin-sarl.fr');
    await company.locator('#landlinePhone').fill('01 23 45 67 89');
    await company.locator('#occupation').selectOption('Chef d’entreprise');
    await screenshot(company, 'inscription-entreprise-etape-3');
    // Back and forth: nothing lost.
    await company.getByRole('button', { name: 'Étape précédente' }).click();
    await company.waitForURL(/\/etape\/2$/);
    assert.equal(await company.locator('#givenName').inputValue(), 'Paul');
    await company.getByRole('button', { name: 'Continuer' }).click();
    await company.waitForURL(/\/etape\/3$/);
    assert.equal(await company.locator('#email').inputValue(), 'paul@martin-sarl.fr');
    await company.getByRole('button', { name: 'Continuer' }).click();
    await company.waitForURL(/\/etape\/4$/);
    assert.equal(await company.locator('#identifier').inputValue(), 'paul.martin');
    assert.equal(
      await company
        .locator('[aria-current="step"]')
        .innerText()
        .then((t) => t.includes('Pièce')),
      true,
    );
    await company.locator('#identityDocumentKind').selectOption('passeport');
    await company
      .locator('#identityDocument')
      .setInputFiles({ name: 'passeport.png', mimeType: 'image/png', buffer: PNG });
    await company.locator('#password').fill(PASSWORD);
    await company.locator('#passwordConfirmation').fill(PASSWORD);
    // The CGU not accepted: the file is kept, and the page says so.
    await company.getByRole('button', { name: 'Valider' }).click();
    await company.waitForSelector('text=Votre document passeport.png est conservé');
    await screenshot(company, 'inscription-entreprise-etape-4-document-conserve');
    await company.locator('label[for="acceptTerms"]').click();
    await company.locator('label[for="acceptPrivacy"]').click();
    await company.getByRole('button', { name: 'Valider' }).click();
    await company.waitForSelector('text=Un e-mail d’activation vient d’être envoyé à paul@martin-sarl.fr.');
    await screenshot(company, 'inscription-entreprise-etape-5');
    const row = await app.dataSource.query<Array<{ siret: string; contract_number: string; identifier: string }>>(
      `SELECT siret, contract_number, identifier FROM account WHERE email = 'paul@martin-sarl.fr'`,
    );
    assert.deepEqual(row[0], { siret: '73282932000074', contract_number: 'CT-2026-001', identifier: 'paul.martin' });
    await company.close();

    const association = await browser.newPage();
    watch(association);
    await association.goto(`${app.url}/inscription/association`);
    await fillPerson(association, { given: 'Léa', family: 'Bernard', email: 'lea@asso.fr' });
    await association.locator('#occupation').selectOption('Dirigeant d’association');
    await association.locator('#organisationName').fill('Les Amis du Jardin');
    await association.locator('#rna').fill('W751234567');
    await association.locator('#mobilePhone').fill('06 12 34 56 78');
    const before = gateway.requests.length;
    await association.getByRole('button', { name: 'Valider' }).click();
    // Seed 003, step 5: the choice between an SMS code and an e-mail link, after « Valider ».
    await association.waitForSelector('h1:has-text("Validation de votre compte")');
    assert.match(await association.locator('main').innerText(), /06 •• •• •• 78/);
    await screenshot(association, 'activation-choix');
    await association.getByRole('button', { name: 'Envoyer le code d’activation' }).click();
    await association.waitForURL(/\/activation\/code\//);
    const code = await smsCode(before + 1);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await association.getByLabel('Code reçu par SMS').fill(wrong);
      await association.getByRole('button', { name: 'Valider le code' }).click();
      await association.waitForSelector(
        i < 4 ? `text=Il vous reste ${4 - i} essai` : 'text=Ce code n’est plus valable',
      );
    }
    await screenshot(association, 'activation-sms-epuise');
    await association.getByRole('button', { name: 'Recevoir un nouveau code' }).click();
    await association.waitForURL(/\/activation\/code\//);
    const newCode = await smsCode(before + 2);
    await association.getByLabel('Code reçu par SMS').fill(newCode);
    await association.getByRole('button', { name: 'Valider le code' }).click();
    await association.waitForSelector('text=Votre compte est activé');
    await association.close();
  });

  it('resets a forgotten password by e-mail, and reminds the identifier', async () => {
    const fresh = await browser.newContext();
    const p = await fresh.newPage();
    watch(p);
    await p.goto(`${app.url}/compte`);
    await p.getByLabel('Identifiant ou adresse électronique').fill('lea.bernard');
    await p.getByRole('button', { name: 'Continuer' }).click();
    await p.getByRole('link', { name: 'Mot de passe ou identifiant oublié ?' }).click();
    await p.getByLabel('Identifiant ou adresse électronique').fill('lea.bernard');
    await screenshot(p, 'mot-de-passe-oublie');
    await p.getByRole('button', { name: 'Recevoir' }).click();
    await p.waitForSelector('text=Si un compte correspond à « lea.bernard »');
    const mail = await mailTo('lea@asso.fr', /Réinitialisation de votre mot de passe/);
    await p.goto(linkIn(mail.text, /\/mot-de-passe-oublie\/nouveau\/[\w-]{43}/));
    await p.locator('#password').fill(NEW_PASSWORD);
    await p.locator('#passwordConfirmation').fill(NEW_PASSWORD);
    await p.waitForSelector('text=Mot de passe accepté.');
    await screenshot(p, 'nouveau-mot-de-passe');
    await p.getByRole('button', { name: 'Enregistrer' }).click();
    await p.waitForSelector('text=Votre nouveau mot de passe est enregistré.');
    const warning = await mailTo('lea@asso.fr', /Le mot de passe de votre compte a été modifié/);
    assert.match(warning.text ?? '', /si ceci ne découle pas d’une action de votre part/i);

    await p.goto(`${app.url}/identifiant-oublie`);
    await p.locator('#email').fill('lea@asso.fr');
    await p.getByRole('button', { name: 'Recevoir mon identifiant' }).click();
    await p.waitForSelector('text=Si un compte utilise l’adresse lea@asso.fr');
    const reminder = await mailTo('lea@asso.fr', /Rappel de votre identifiant/);
    assert.match(reminder.text ?? '', /Le voici : lea\.bernard/);

    await signIn(p, 'lea.bernard', NEW_PASSWORD);
    await p.waitForURL(`${app.url}/compte`);
    await fresh.close();
  });

  it('edits the profile, with errors kept field by field', async () => {
    // Signed in on the demo site: the account space opens without the password (single sign-on).
    await page.goto(`${app.url}/compte`);
    await page.waitForURL(`${app.url}/compte`);
    await screenshot(page, 'compte-accueil');
    await page.getByRole('link', { name: 'Mon profil' }).first().click();
    await page.locator('#addressLine').fill('12 rue de la Paix');
    await page.locator('#postalCode').fill('750');
    await page.locator('#city').fill('Paris');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForSelector('text=Le code postal compte 5 chiffres');
    assert.equal(await page.locator('#city').inputValue(), 'Paris');
    await page.locator('#postalCode').fill('75002');
    await screenshot(page, 'compte-profil');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForSelector('text=Votre profil a été mis à jour.');
    const [row] = await app.dataSource.query<Array<{ postal_code: string; city: string }>>(
      `SELECT postal_code, city FROM account WHERE email = 'elise@example.fr'`,
    );
    assert.deepEqual(row, { postal_code: '75002', city: 'Paris' });
  });

  it('changes the e-mail address after a link sent to the new one, the old one warned', async () => {
    await page.goto(`${app.url}/compte/adresse-electronique`);
    await page.locator('#email').fill('elise.dupont@example.org');
    await page.locator('#currentPassword').fill(PASSWORD);
    await screenshot(page, 'compte-adresse');
    await page.getByRole('button', { name: 'Envoyer le lien de confirmation' }).click();
    await page.waitForSelector('text=Un lien de confirmation vient d’être envoyé à elise.dupont@example.org.');
    const warning = await mailTo('elise@example.fr', /Changement de l’adresse électronique/);
    assert.match(warning.text ?? '', /vers elise\.dupont@example\.org/);
    const confirm = await mailTo('elise.dupont@example.org', /Confirmez votre nouvelle adresse/);
    await page.goto(linkIn(confirm.text, /\/compte\/adresse\/[\w-]{43}/));
    await page.getByRole('button', { name: 'Confirmer ma nouvelle adresse' }).click();
    await page.waitForSelector('text=Votre nouvelle adresse électronique est enregistrée.');
    await page.goto(`${app.url}/compte`);
    assert.match(await page.locator('main').innerText(), /elise\.dupont@example\.org/);
  });

  it('lists sessions and sites; a password change ends the other session', async () => {
    const other = await browser.newContext({ userAgent: 'Mozilla/5.0 (Windows NT 10.0) Firefox/140.0' });
    const otherPage = await other.newPage();
    await signIn(otherPage, 'elise.dupont', PASSWORD);
    await otherPage.waitForURL(`${app.url}/compte`);

    await page.goto(`${app.url}/compte/securite`);
    const security = await page.locator('main').innerText();
    assert.match(security, /cette session/i);
    assert.match(security, /Firefox sur Windows/);
    assert.match(security, /Site de démonstration/);
    await screenshot(page, 'compte-securite');

    await page.goto(`${app.url}/compte/mot-de-passe`);
    await page.locator('#currentPassword').fill(PASSWORD);
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#passwordConfirmation').fill(NEW_PASSWORD);
    await screenshot(page, 'compte-mot-de-passe');
    await page.getByRole('button', { name: 'Changer mon mot de passe' }).click();
    await page.waitForSelector('text=Votre mot de passe a été modifié.');
    await mailTo('elise.dupont@example.org', /Le mot de passe de votre compte a été modifié/);

    // The other browser is signed out of the account space and of the provider: it must sign in again.
    await otherPage.goto(`${app.url}/compte`);
    await otherPage.waitForURL(/\/interaction\//);
    assert.equal(await otherPage.locator('h1').innerText(), 'Connexion');
    await other.close();
    // This one stays signed in.
    await page.goto(`${app.url}/compte`);
    assert.equal(await page.locator('h1').innerText(), 'Mon compte');

    await page.goto(`${app.url}/compte/securite`);
    await page.getByRole('button', { name: 'Retirer l’accès' }).click();
    await page.waitForSelector('text=L’accès du site a été retiré');
    assert.match(await page.locator('main').innerText(), /Aucun site autorisé/);
  });

  it('downloads the personal data, then deletes the account with its password', async () => {
    await page.goto(`${app.url}/compte/donnees`);
    await screenshot(page, 'compte-donnees');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger mes données' }).click(),
    ]);
    const data = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      account: { email: string; passwordHash?: string; postalCode: string };
      auditTrail: Array<{ action: string }>;
    };
    assert.equal(data.account.email, 'elise.dupont@example.org');
    assert.equal(data.account.postalCode, '75002');
    assert.equal('passwordHash' in data.account, false);
    assert.ok(
      data.auditTrail.some((e) => e.action === 'identity.password.changed'),
      JSON.stringify(data.auditTrail.map((e) => e.action)),
    );

    await page.locator('#password').fill('mauvais');
    await page.locator('label[for="confirm"]').click();
    await page.getByRole('button', { name: 'Supprimer définitivement mon compte' }).click();
    await page.waitForSelector('text=Mot de passe incorrect.');
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('label[for="confirm"]').click();
    await page.getByRole('button', { name: 'Supprimer définitivement mon compte' }).click();
    await page
      .waitForSelector('text=Votre compte et vos données personnelles ont été supprimés.')
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}\n${await page.locator('main').innerText()}`);
      });
    await screenshot(page, 'compte-supprime');
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM account WHERE identifier = 'elise.dupont'`,
    );
    assert.equal(n, 0);
    await mailTo('elise.dupont@example.org', /Votre compte a été supprimé/);

    await signIn(page, 'elise.dupont', NEW_PASSWORD);
    await page.waitForSelector('text=Identifiant ou mot de passe incorrect.');
    assert.deepEqual(problems, []);
  });
});
