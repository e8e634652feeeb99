import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { companyFields } from '../support/company-registration';
import { HttpBrowser } from '../support/http-browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

type Page = { url: string; status: number; body: string };

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PASSWORD = 'Chaussette-Volante-7';

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];
const title = (body: string) => /<title>([^<]*) - /.exec(body)?.[1];

/**
 * The texts a person reads in the main content: text nodes, and the attributes that are read out or shown (labels,
 * the strength meter's texts). Values typed or stored (an option's value, a field's value) are left out.
 */
function mainText(body: string): string {
  const main = /<main[\s\S]*?<\/main>/.exec(body)?.[0] ?? '';
  const shown = [
    ...main.matchAll(
      /\s(?:aria-label|title|alt|placeholder|data-text-[a-z-]+|data-level-[a-z]+|data-accepted)="([^"]*)"/g,
    ),
  ].map(([, text]) => text);
  const text = main.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ');
  return [text, ...shown]
    .join(' ')
    .replace(/&#39;|&quot;/g, "'")
    .replace(/\s+/g, ' ');
}

/** French words or letters that an English page must not show (the shell’s English keeps « » around a level’s name). */
const FRENCH =
  /[éèêàâùûçôîœÉÈ]|\b(?:votre|vos|mon|mes|le|la|les|des|du|pour|avec|vous|compte|étape|suivant|envoyer|valider)\b/i;

function assertEnglish(page: Page): void {
  assert.equal(lang(page.body), 'en', page.url);
  const text = mainText(page.body);
  const french = FRENCH.exec(text);
  assert.equal(
    french,
    null,
    `French on ${page.url}: « ${french ? text.slice(Math.max(0, french.index - 80), french.index + 80) : ''} »`,
  );
}

/** Registration from English pages (issue 19): every page and every answer in English; French unchanged. */
describe('The registration journey in English (switch, Accept-Language) and in French', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let gateway: HttpSink;

  before(async () => {
    smtp = await startSmtpServer();
    gateway = await startHttpSink();
    app = await startTestApp({
      env: { SMTP_URL: smtp.url, SMS_GATEWAY_URL: `${gateway.url}/sms`, SMS_GATEWAY_TOKEN: 'jeton' },
    });
  });
  after(async () => {
    await app.close();
    await smtp.stop();
    await gateway.stop();
  });

  /** A browser that chose English with the shell's switch (the `langue` cookie). */
  async function englishBySwitch(): Promise<HttpBrowser> {
    const browser = new HttpBrowser();
    const page = await browser.get(`${app.url}/langue?choix=en&retour=%2Finscription`);
    assert.match(page.url, /\/inscription$/);
    assert.equal(browser.cookie(app.url, 'langue'), 'en');
    return browser;
  }
  const englishByHeader = () => {
    const browser = new HttpBrowser();
    browser.headers = { 'accept-language': 'en-GB,en;q=0.9' };
    return browser;
  };
  const citizen = (email: string, extra: Record<string, string> = {}) => ({
    civility: 'madame',
    familyName: 'Doe',
    givenName: 'Jane',
    birthDate: '1985-04-12',
    email,
    password: PASSWORD,
    passwordConfirmation: PASSWORD,
    acceptTerms: 'oui',
    acceptPrivacy: 'oui',
    ...extra,
  });

  it('shows the profile choice and the citizen form in English, answers its errors in English, then « Check your mailbox »', async () => {
    const browser = await englishBySwitch();
    const choice = await browser.get(`${app.url}/inscription`);
    assert.equal(title(choice.body), 'Create my account');
    assert.match(choice.body, /<h1>Create my account<\/h1>/);
    assert.match(choice.body, /<a href="\/inscription\/citoyen">Citizen<\/a>/);
    assert.match(choice.body, /<a href="\/inscription\/entreprise">Company<\/a>/);
    assert.match(choice.body, /Already have an account\? <a class="fr-link" href="\/compte">Sign in<\/a>/);
    assertEnglish(choice);

    const form = await browser.get(`${app.url}/inscription/citoyen`);
    assert.equal(title(form.body), 'Create my account (Citizen)');
    assert.match(form.body, /<h1>Create my account: Citizen<\/h1>/);
    for (const label of ['Birth name', 'First name', 'Date of birth', 'E-mail address', 'Mobile phone', 'Password'])
      assert.match(form.body, new RegExp(`<label class="fr-label" for="[a-zA-Z]+">${label}`), label);
    assert.match(form.body, /<legend[^>]*>Title<\/legend>/);
    assert.match(form.body, /Your sign-in identifier \(optional\)/);
    assert.match(form.body, /data-level-moyen="Level: Medium"/);
    assert.match(form.body, /data-accepted="Password accepted\."/);
    assert.match(form.body, /<button class="fr-btn" type="submit">Submit<\/button>/);
    assert.match(form.body, />Cancel the request<\/a>/);
    assertEnglish(form);

    const wrong = await browser.submit(form, /\/inscription\/citoyen$/, {
      email: 'not-an-address',
      password: 'azerty',
      passwordConfirmation: 'qwerty',
      mobilePhone: '12',
      identifier: 'A B',
    });
    assert.equal(wrong.status, 400);
    assert.equal(title(wrong.body), 'Error: Create my account (Citizen)');
    assert.match(wrong.body, /id="civility-erreur">Give your title\./);
    assert.match(wrong.body, /id="familyName-erreur">Enter your birth name \(letters, spaces, hyphens\)\./);
    assert.match(wrong.body, /id="birthDate-erreur">Enter a valid date of birth/);
    assert.match(wrong.body, /id="email-erreur">Enter a valid e-mail address, for example name@example\.com\./);
    assert.match(wrong.body, /id="mobilePhone-erreur">Enter a valid mobile number/);
    assert.match(wrong.body, /id="identifier-erreur">The identifier has 3 to 64 characters/);
    assert.match(
      wrong.body,
      /id="password-erreur">The password must contain at least 8 characters, an upper-case letter and a digit\. It is also too easy to guess: this is a commonly used password\./,
    );
    assert.match(wrong.body, /id="passwordConfirmation-erreur">The two passwords are not the same\./);
    assert.match(wrong.body, /id="acceptTerms-erreur">You must accept the terms of use\./);
    assertEnglish(wrong);

    // The live helpers of the form answer in the page's language too.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1];
    const strength = (await (
      await fetch(`${app.url}/inscription/force-mot-de-passe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie: browser.cookieHeaderFor(app.url) },
        body: JSON.stringify({ password: 'Azerty123', personal: ['Jane'] }),
      })
    ).json()) as { strength: string; message: string };
    assert.equal(strength.strength, 'faible');
    assert.match(strength.message, /^The password is too easy to guess/);
    const free = await browser.get(`${app.url}/inscription/identifiant-disponible?valeur=jane.free`);
    assert.deepEqual(JSON.parse(free.body), { status: 'available', message: 'Identifier available!' });

    const sent = await browser.submit(wrong, /\/inscription\/citoyen$/, citizen('jane.doe@example.com'));
    assert.equal(sent.status, 200);
    assert.equal(title(sent.body), 'Check your mailbox');
    assert.match(sent.body, /An activation e-mail has just been sent to jane\.doe@example\.com\./);
    assert.match(sent.body, /Your sign-in identifier: jane\.doe\./);
    assertEnglish(sent);
  });

  it('shows the association form in English', async () => {
    const form = await englishByHeader().get(`${app.url}/inscription/association`);
    assert.match(form.body, /<h1>Create my account: Association<\/h1>/);
    assert.match(form.body, /<h2 class="fr-h4 fr-mb-0">Your association<\/h2>/);
    assert.match(form.body, /Name of the association/);
    assert.match(form.body, /<option value="Avocat">Lawyer<\/option>/, 'the value stored stays the same');
    assertEnglish(form);
  });

  it('shows the activation choice and the SMS code page in English, with their answers', async () => {
    const browser = englishByHeader();
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    const choice = await browser.submit(
      form,
      /\/inscription\/citoyen$/,
      citizen('sms.doe@example.com', { givenName: 'Sam', mobilePhone: '06 12 34 56 78' }),
    );
    assert.match(choice.url, /\/activation\/choix\?ticket=/);
    assert.equal(title(choice.body), 'Confirmation of your account');
    assert.match(choice.body, /Your request to create an account is recorded\./);
    assert.match(choice.body, /id="par-sms">Confirm my account by text message<\/h2>/);
    assert.match(choice.body, /type="submit">Send the activation code<\/button>/);
    assert.match(choice.body, /type="submit">Send the activation link<\/button>/);
    assertEnglish(choice);

    const code = await browser.submit(choice, /\/activation\/choix$/, { channel: 'sms' });
    assert.match(code.url, /\/activation\/code\/[0-9a-f-]{36}$/);
    assert.equal(title(code.body), 'Activate my account by text message');
    assert.match(code.body, /<h1>Activate my account<\/h1>/);
    assert.match(code.body, /for="code">Code received by text message<span class="fr-hint-text">6 digits/);
    assert.match(code.body, /type="submit">Confirm the code<\/button>/);
    assert.match(code.body, /type="submit">Send a new code<\/button>/);
    assertEnglish(code);
    const short = await browser.submit(code, /\/activation\/code\/[^/]+$/, { code: '12' });
    assert.equal(short.status, 400);
    assert.match(short.body, /Enter the 6 digits of the code received by text message\./);
    assertEnglish(short);
    const wrong = await browser.submit(code, /\/activation\/code\/[^/]+$/, { code: '000000' });
    assert.match(wrong.body, /Wrong code\. You have 4 tries left\./);
    assertEnglish(wrong);

    const expired = await browser.get(`${app.url}/activation/choix?ticket=no-longer`);
    assert.equal(expired.status, 400);
    assert.equal(title(expired.body), 'This page has expired');
    assertEnglish(expired);

    // The e-mail link chosen instead: « Check your mailbox ».
    const other = await browser.get(`${app.url}/inscription/citoyen`);
    const choice2 = await browser.submit(
      other,
      /\/inscription\/citoyen$/,
      citizen('mail.doe@example.com', { givenName: 'Max', mobilePhone: '06 12 34 56 79' }),
    );
    const mailbox = await browser.submit(choice2, /\/activation\/choix$/, { channel: 'email' });
    assert.equal(title(mailbox.body), 'Check your mailbox');
    assert.match(mailbox.body, /Links and codes sent before no longer work\./);
    assertEnglish(mailbox);
  });

  it('walks the company sign-up’s five steps in English, its errors and its step indicator too', async () => {
    const browser = await englishBySwitch();
    const fields = companyFields('claire@durand-sas.example', { familyName: 'Durand', givenName: 'Claire' });
    let page: Page = await browser.get(`${app.url}/inscription/entreprise`);
    assert.match(page.url, /\/etape\/1$/);
    assert.equal(title(page.body), 'Create my Company account, step 1 of 5');
    assert.match(page.body, /<h1>Create my Company account<\/h1>/);
    assert.match(page.body, /<nav class="platform-stepper fr-mb-3w" aria-label="Steps">/);
    assert.match(page.body, /<span>Your company<\/span>\s*<span class="fr-sr-only"> \(current step\)<\/span>/);
    assert.match(page.body, /Step 1 of 5: Your company/);
    assert.match(page.body, /Next step: Your personal details/);
    assert.match(page.body, /SIREN or SIRET number/);
    assert.match(page.body, /value="suivant">Continue<\/button>/);
    assertEnglish(page);

    const wrong = await browser.submit(page, /\/etape\/1$/, {
      ...fields[1],
      organisationNumber: '732 829 321',
      action: 'suivant',
    });
    assert.equal(wrong.status, 400);
    assert.equal(title(wrong.body), 'Error: Create my Company account, step 1 of 5');
    assert.match(
      wrong.body,
      /Enter a valid SIREN \(9 digits\) or SIRET \(14 digits\): the check digit does not match\./,
    );
    assertEnglish(wrong);

    page = await browser.submit(wrong, /\/etape\/1$/, { ...fields[1], action: 'suivant' });
    assert.match(page.body, /Step 2 of 5: Your personal details/);
    assert.match(page.body, /\(step completed\)/);
    assert.match(page.body, /value="precedent" formnovalidate>Previous step<\/button>/);
    assertEnglish(page);
    const wrong2 = await browser.submit(page, /\/etape\/2$/, {
      ...fields[2],
      birthDate: '2030-01-01',
      action: 'suivant',
    });
    assert.match(
      wrong2.body,
      /id="birthDate-erreur">Enter a valid date of birth \(you must be at least 15 years old\)\./,
    );
    assertEnglish(wrong2);

    page = await browser.submit(wrong2, /\/etape\/2$/, { ...fields[2], action: 'suivant' });
    assert.match(page.body, /Step 3 of 5: Your professional details/);
    assert.match(page.body, /Professional e-mail address/);
    assertEnglish(page);
    const wrong3 = await browser.submit(page, /\/etape\/3$/, { ...fields[3], postalCode: '123', action: 'suivant' });
    assert.match(wrong3.body, /id="postalCode-erreur">The postcode has 5 digits, for example 75001\./);
    assertEnglish(wrong3);

    page = await browser.submit(wrong3, /\/etape\/3$/, { ...fields[3], action: 'suivant' });
    assert.match(page.body, /Step 4 of 5: Identity document and terms of use/);
    assert.match(page.body, /<option value="carte-identite">National identity card<\/option>/);
    assert.match(page.body, /value="suivant">Submit<\/button>/);
    assertEnglish(page);
    const wrong4 = await browser.submit(
      page,
      /\/etape\/4$/,
      { ...fields[4], acceptTerms: '', action: 'suivant' },
      undefined,
      {
        identityDocument: { name: 'notes.txt', type: 'text/plain', data: Buffer.from('not a document') },
      },
    );
    assert.equal(wrong4.status, 400);
    assert.match(wrong4.body, /This file is neither a PNG or JPG image nor a PDF/);
    assert.match(wrong4.body, /id="acceptTerms-erreur">You must accept the terms of use\./);
    assertEnglish(wrong4);

    const done = await browser.submit(wrong4, /\/etape\/4$/, { ...fields[4], action: 'suivant' }, undefined, {
      identityDocument: { name: 'id.pdf', type: 'application/pdf', data: PDF },
    });
    assert.equal(done.status, 200, done.body.slice(0, 2000));
    assert.equal(title(done.body), 'Check your mailbox');
    assert.match(done.body, /Step 5 of 5: Activation of your account/);
    assert.match(done.body, /An activation e-mail has just been sent to claire@durand-sas\.example\./);
    assertEnglish(done);
  });

  it('keeps the same pages and answers in French without a language asked', async () => {
    const browser = new HttpBrowser();
    const choice = await browser.get(`${app.url}/inscription`);
    assert.equal(lang(choice.body), 'fr');
    assert.match(choice.body, /<h1>Créer mon compte<\/h1>/);
    const form = await browser.get(`${app.url}/inscription/citoyen`);
    assert.match(form.body, /<h1>Créer mon compte : Citoyen<\/h1>/);
    assert.match(form.body, /data-level-moyen="Niveau : Moyen"/);
    const wrong = await browser.submit(form, /\/inscription\/citoyen$/, { password: 'azerty' });
    assert.equal(title(wrong.body), 'Erreur : Créer mon compte (Citoyen)');
    assert.match(wrong.body, /id="civility-erreur">Indiquez votre civilité\./);
    assert.match(
      wrong.body,
      /Le mot de passe doit comporter au moins 8 caractères, une lettre majuscule et un chiffre\. Il est aussi trop facile à deviner : ce mot de passe est couramment utilisé\./,
    );
    const step = await browser.get(`${app.url}/inscription/entreprise/etape/1`);
    assert.match(step.body, /aria-label="Étapes"/);
    assert.match(step.body, /Étape 1 sur 5 : Votre entreprise/);
    assert.match(step.body, /\(étape en cours\)/);
    const free = await browser.get(`${app.url}/inscription/identifiant-disponible?valeur=marie.libre`);
    assert.equal((JSON.parse(free.body) as { message: string }).message, 'Identifiant disponible !');
  });
});
