import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { passwordCodeFlow } from '../support/code-flow';
import { companyFields, companyStepsOneToThree } from '../support/company-registration';
import { HttpBrowser } from '../support/http-browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/retour';
const PASSWORD = 'Chaussette-Volante-7';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
/** A Windows executable's header, sent as « cni.pdf ». */
const EXECUTABLE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(512, 0)]);

/** Everything but what legitimately differs between two answers: CSRF tokens, tickets, the login typed. */
const normalise = (body: string, ...typed: string[]) =>
  typed
    .reduce((text, value) => text.replaceAll(value, '«saisie»'), body)
    .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf"')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '«ticket»');

describe('Account space, recovery and identity documents (real SMTP server, SMS gateway)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let gateway: HttpSink;
  let config: client.Configuration;
  const deliver = () => app.app.get(OutboxWorker).deliverDue();

  before(async () => {
    smtp = await startSmtpServer();
    gateway = await startHttpSink();
    app = await startTestApp({
      env: { SMTP_URL: smtp.url, SMS_GATEWAY_URL: `${gateway.url}/sms`, SMS_GATEWAY_TOKEN: 'jeton' },
    });
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site', client_name: 'Site partenaire', redirect_uris: [REDIRECT_URI] }, (m) =>
        oidc.validateClient(m),
      );
    config = await client.discovery(
      new URL(app.config.issuer),
      'site',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const identity = app.app.get(IdentityService);
    for (const name of ['alice', 'bruno', 'chloe']) {
      await identity.createActiveAccount({ email: `${name}@example.fr`, password: PASSWORD, identifier: name });
    }
    await app.dataSource.query(
      `UPDATE account SET mobile_phone = '+33612345678', mobile_phone_verified = true WHERE identifier = 'alice'`,
    );
  });
  after(async () => {
    await app.close();
    await smtp.stop();
    await gateway.stop();
  });

  /** Signs in to the account space through the provider's pages; returns the account page. */
  const accountSpace = async (browser: HttpBrowser, login: string, password = PASSWORD) => {
    let page = await browser.get(`${app.url}/compte`, app.url);
    if (page.url.endsWith('/compte') && page.status === 200) return page;
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1500));
    assert.match(page.body, /<h1>Mon compte<\/h1>/);
    return page;
  };

  it('checks identity documents by content and size, and lets only their holder read them', async () => {
    const browser = new HttpBrowser();
    const fields = companyFields('paul@martin-sarl.fr');
    const form = await companyStepsOneToThree(browser, app.url, fields);
    assert.match(form.body, /enctype="multipart\/form-data"/);
    const step4 = (file?: { name: string; type: string; data: Buffer }) =>
      browser.submit(
        form,
        /\/etape\/4$/,
        { ...fields[4], action: 'suivant' },
        undefined,
        file ? { identityDocument: file } : undefined,
      );

    const forged = await step4({ name: 'cni.pdf', type: 'application/pdf', data: EXECUTABLE });
    assert.equal(forged.status, 400);
    assert.match(forged.body, /Ce fichier n’est ni une image PNG ou JPG, ni un PDF : son contenu a été vérifié/);
    assert.match(forged.body, /<option value="carte-identite" selected>/, 'what was chosen is kept');

    const oversized = await step4({
      name: 'cni.png',
      type: 'image/png',
      data: Buffer.concat([PNG, Buffer.alloc(6 << 20)]),
    });
    assert.equal(oversized.status, 400);
    assert.match(oversized.body, /Le fichier dépasse 5 Mo/);

    const missing = await step4();
    assert.equal(missing.status, 400);
    assert.match(missing.body, /Joignez votre pièce d’identité/);
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM account`);
    assert.equal(n, 3, 'no account created by the refused forms');

    const done = await step4({ name: 'ma carte.PDF', type: 'application/octet-stream', data: PDF });
    assert.equal(done.status, 200, done.body.slice(0, 2000));
    const [document] = await app.dataSource.query<Array<{ id: string; media_type: string; storage_key: string }>>(
      `SELECT d.id, d.media_type, d.storage_key FROM identity_document d JOIN account a ON a.id = d.account_id
       WHERE a.email = 'paul@martin-sarl.fr'`,
    );
    assert.equal(document.media_type, 'application/pdf', 'the type comes from the content, not the name');
    assert.ok(existsSync(join(app.config.dataDir, 'files', ...document.storage_key.split('/'))));

    await deliver();
    const mail = await smtp.waitFor(sentTo('paul@martin-sarl.fr'));
    const link = /http:\/\/127\.0\.0\.1:\d+\/activation\/[\w-]{43}/.exec(mail.text ?? '')![0];
    await browser.submit(await browser.get(link), /\/activation\//, {});

    const holder = new HttpBrowser();
    await accountSpace(holder, 'paul.martin');
    const profile = await holder.get(`${app.url}/compte/profil`);
    assert.match(profile.body, /Carte nationale d’identité/);
    const download = await holder.download(`${app.url}/compte/piece-identite/${document.id}`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PDF);

    const stranger = new HttpBrowser();
    await accountSpace(stranger, 'bruno');
    const refused = await stranger.get(`${app.url}/compte/piece-identite/${document.id}`);
    assert.equal(refused.status, 404);
    const anonymous = await new HttpBrowser().download(`${app.url}/compte/piece-identite/${document.id}`);
    assert.equal(anonymous.status, 303);
    assert.equal(
      anonymous.headers.get('location'),
      `/compte/connexion?retour=${encodeURIComponent(`/compte/piece-identite/${document.id}`)}`,
    );
  });

  it('answers a reset request the same way for an account and for nobody', async () => {
    const ask = async (login: string, channel: 'email' | 'sms') => {
      const browser = new HttpBrowser();
      const form = await browser.get(`${app.url}/mot-de-passe-oublie`);
      return { browser, page: await browser.submit(form, /mot-de-passe-oublie$/, { login, channel }, app.url) };
    };
    const existing = await ask('bruno', 'email');
    const nobody = await ask('quidam-inconnu', 'email');
    assert.equal(existing.page.status, 200);
    assert.equal(normalise(existing.page.body, 'bruno'), normalise(nobody.page.body, 'quidam-inconnu'));

    // By SMS: a verified mobile (alice), no account, and an account without verified mobile (chloe) look the same.
    const before = gateway.requests.length;
    const pages = await Promise.all(['alice', 'personne', 'chloe'].map((login) => ask(login, 'sms')));
    const bodies = [];
    for (const [i, { browser, page }] of pages.entries()) {
      assert.match(page.url, /\/mot-de-passe-oublie\/code\/[0-9a-f-]{36}$/);
      const wrong = await browser.submit(page, /code\//, { code: '000000' });
      bodies.push(normalise(wrong.body));
      assert.match(wrong.body, /Code incorrect\. Il vous reste 4 essais\./, `demande ${i}`);
    }
    assert.equal(bodies[0], bodies[1]);
    assert.equal(bodies[1], bodies[2]);
    await deliver();
    await gateway.waitFor(() => gateway.requests.length > before);
    assert.equal(gateway.requests.length, before + 1, 'one SMS: to the verified mobile only');
    const chloe = await smtp.waitFor((m) => sentTo('chloe@example.fr')(m) && /Réinitialisation/.test(m.subject ?? ''));
    assert.match(chloe.text ?? '', /Aucun numéro de mobile vérifié/);

    const code = /(\d{6})/.exec((JSON.parse(gateway.requests[before].body) as { text: string }).text)![1];
    const alice = pages[0];
    const right = await alice.browser.submit(alice.page, /code\//, { code }, app.url);
    assert.match(right.url, /\/mot-de-passe-oublie\/nouveau\/[\w-]{43}$/);
    const weak = await alice.browser.submit(right, /nouveau\//, {
      password: 'alice2026',
      passwordConfirmation: 'alice2026',
    });
    assert.equal(weak.status, 400);
    assert.match(weak.body, /Le mot de passe doit comporter/);
    const set = await alice.browser.submit(right, /nouveau\//, {
      password: 'Parapluie-Orange-42',
      passwordConfirmation: 'Parapluie-Orange-42',
    });
    assert.equal(set.status, 200);
    assert.match(set.body, /Votre nouveau mot de passe est enregistré/);
    const again = await alice.browser.submit(right, /nouveau\//, {
      password: 'Autre-Chose-Encore-9',
      passwordConfirmation: 'Autre-Chose-Encore-9',
    });
    assert.equal(again.status, 400, 'a reset link works once');

    const old = await passwordCodeFlow(config, app.url, {
      identifier: 'alice',
      password: PASSWORD,
      redirectUri: REDIRECT_URI,
    });
    assert.equal(old.tokens, undefined);
    const fresh = await passwordCodeFlow(config, app.url, {
      identifier: 'alice',
      password: 'Parapluie-Orange-42',
      redirectUri: REDIRECT_URI,
    });
    assert.ok(fresh.tokens?.access_token);

    const remind = async (email: string) => {
      const browser = new HttpBrowser();
      return browser.submit(await browser.get(`${app.url}/identifiant-oublie`), /identifiant-oublie$/, { email });
    };
    const known = await remind('bruno@example.fr');
    const unknown = await remind('personne@example.fr');
    assert.equal(normalise(known.body, 'bruno@example.fr'), normalise(unknown.body, 'personne@example.fr'));
    await deliver();
    const reminder = await smtp.waitFor((m) => sentTo('bruno@example.fr')(m) && /Rappel/.test(m.subject ?? ''));
    assert.match(reminder.text ?? '', /Le voici : bruno/);
  });

  it('asks for a new CGU version at sign-in before returning to the site', async () => {
    await app.dataSource.query(`UPDATE account SET terms_version = '2025-01' WHERE identifier = 'chloe'`);
    const browser = new HttpBrowser();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    let page = await browser.get(url.toString(), app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'chloe' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.match(page.body, /Les conditions générales d’utilisation ont changé/);
    const refused = await browser.submit(page, /cgu$/, {}, app.url);
    assert.equal(refused.status, 400);
    assert.match(refused.body, /acceptez les conditions générales/);
    page = await browser.submit(refused, /cgu$/, { accept: 'oui' }, app.url);
    if (!page.location) page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    assert.match(page.location ?? '', /^http:\/\/127\.0\.0\.1:9\/retour\?code=/);
    const [{ terms_version }] = await app.dataSource.query<Array<{ terms_version: string }>>(
      `SELECT terms_version FROM account WHERE identifier = 'chloe'`,
    );
    assert.notEqual(terms_version, '2025-01');
  });

  it('reads « Mon profil » through its DTO: an unknown or oversized field is refused in French, nothing saved', async () => {
    const browser = new HttpBrowser();
    await accountSpace(browser, 'chloe');
    const form = await browser.get(`${app.url}/compte/profil`);
    const fields = { civility: 'madame', familyName: 'Durand', givenName: 'Chloé', birthDate: '1990-05-06' };
    const unknown = await browser.submit(form, /\/compte\/profil$/, { ...fields, isAdmin: 'oui' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body, /Certaines informations sont manquantes ou incorrectes/);
    const oversized = await browser.submit(form, /\/compte\/profil$/, { ...fields, city: 'x'.repeat(501) });
    assert.equal(oversized.status, 400);
    const [row] = await app.dataSource.query<Array<{ family_name: string | null }>>(
      `SELECT family_name FROM account WHERE identifier = 'chloe'`,
    );
    assert.equal(row.family_name, null);
    const saved = await browser.submit(form, /\/compte\/profil$/, { ...fields, emailMailing: 'oui' });
    assert.equal(saved.status, 200, saved.body.slice(0, 1500));
    assert.match(saved.body, /Votre profil a été mis à jour/);
  });

  it('ends a chosen session and withdraws a site’s access from « Sécurité »', async () => {
    const here = new HttpBrowser();
    const flow = await passwordCodeFlow(config, app.url, {
      identifier: 'bruno',
      password: PASSWORD,
      redirectUri: REDIRECT_URI,
      scope: 'openid email',
      browser: here,
    });
    const accessToken = flow.tokens!.access_token;
    await accountSpace(here, 'bruno');
    const elsewhere = new HttpBrowser();
    await accountSpace(elsewhere, 'bruno');

    let security = await here.get(`${app.url}/compte/securite`);
    assert.match(security.body, /Site partenaire/);
    assert.match(security.body, /votre adresse électronique/);
    const sessions = [...security.body.matchAll(/<li class="fr-p-2w[^"]*">([\s\S]*?)<\/li>/g)].map((m) => m[1]);
    const other = sessions.find((s) => s.includes('/deconnecter') && !s.includes('Cette session'))!;
    const uid = /sessions\/([^/]+)\/deconnecter/.exec(other)![1];
    security = await here.submit(security, new RegExp(`sessions/${uid}/deconnecter$`), {});
    assert.equal(security.status, 200);
    assert.match(security.body, /La session a été déconnectée/);
    await deliver();
    const signedOut = await elsewhere.get(`${app.url}/compte`, app.url);
    assert.match(signedOut.url, /\/interaction\//, 'the other browser must sign in again');
    const stillHere = await here.get(`${app.url}/compte`, app.url);
    assert.match(stillHere.body, /<h1>Mon compte<\/h1>/);

    assert.ok(await client.fetchUserInfo(config, accessToken, client.skipSubjectCheck));
    security = await here.get(`${app.url}/compte/securite`);
    security = await here.submit(security, /sites\/site\/retirer$/, {});
    assert.match(security.body, /L’accès du site a été retiré/);
    await assert.rejects(client.fetchUserInfo(config, accessToken, client.skipSubjectCheck));
  });
});
