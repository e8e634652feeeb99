import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FranceConnectStandIn } from '../../src/dev/franceconnect-stand-in';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { startAppWithFranceConnect } from '../support/franceconnect';
import { companyFields, companyStepsOneToThree } from '../support/company-registration';
import { HttpBrowser } from '../support/http-browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

/** The label of a field and the attributes of its input, from a page's HTML. */
function field(html: string, id: string): { label: string; input: string } {
  const label = new RegExp(`<label[^>]*for="${id}"[^>]*>([\\s\\S]*?)</label>`).exec(html)?.[1] ?? '';
  const input = new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(html)?.[0] ?? '';
  return {
    label: label
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    input,
  };
}

/**
 * The sign-up and sign-in journeys as a new user meets them (seeds 003 and 004): what the pages say and ask, checked
 * over HTTP; the behaviour of the pages' scripts is in `test/browser/journeys.browser.ts`.
 */
describe('Sign-up journeys', () => {
  let standIn: FranceConnectStandIn;
  let app: TestApp;

  before(async () => {
    ({ standIn, app } = await startAppWithFranceConnect('plateforme-parcours'));
  });
  after(async () => {
    await app?.close();
    await standIn?.close();
  });

  const fcOrigin = () => new URL(standIn.issuer).origin;
  const throughFranceConnect = async (browser: HttpBrowser, identity: string) => {
    const signInPage = await browser.get(`${app.url}/compte/connexion`, app.url);
    const toFc = await browser.get(`${signInPage.url}/franceconnect`, app.url);
    let atFc = await browser.get(toFc.location!, fcOrigin());
    atFc = await browser.submit(atFc, /interaction$/, { identity }, fcOrigin());
    return browser.get(atFc.location!, app.url);
  };

  describe('labels', () => {
    it('does not call « facultatif » the association’s RNA and SIREN, one of which is required', async () => {
      const page = await new HttpBrowser().get(`${app.url}/inscription/association`);
      for (const id of ['rna', 'organisationNumber']) {
        assert.doesNotMatch(field(page.body, id).label, /facultatif/, id);
        assert.doesNotMatch(field(page.body, id).input, /\srequired/, id);
      }
      assert.match(page.body, /Indiquez au moins l’un des deux/);
    });

    it('does not mark « required » the optional password of the FranceConnect form', async () => {
      const browser = new HttpBrowser();
      let page = await throughFranceConnect(browser, 'carmen');
      page = await browser.get(page.url.replace(/suite$/, 'inscription'), app.url);
      assert.equal(page.status, 200);
      for (const id of ['password', 'passwordConfirmation']) {
        assert.match(field(page.body, id).label, /facultatif/, id);
        assert.doesNotMatch(field(page.body, id).input, /\srequired/, id);
      }
    });
  });

  describe('the company form', () => {
    const PNG = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );

    it('keeps the file received and the passwords on an error elsewhere, and says the file is kept', async () => {
      const browser = new HttpBrowser();
      const fields = companyFields('paul@martin-sarl.fr');
      const form = await companyStepsOneToThree(browser, app.url, fields);
      // The identifier typed is not one: an error at step 4, the file and passwords kept.
      const taken = await browser.submit(
        form,
        /\/etape\/4$/,
        { ...fields[4], identifier: 'é', action: 'suivant' },
        undefined,
        { identityDocument: { name: 'passeport.png', type: 'image/png', data: PNG } },
      );
      assert.equal(taken.status, 400);
      assert.match(taken.body, /Le formulaire contient 1 erreur</);
      assert.match(taken.body, /L’identifiant compte de 3 à 64 caractères/);
      assert.match(taken.body, /Votre document passeport\.png est conservé/);
      for (const id of ['password', 'passwordConfirmation']) {
        assert.match(field(taken.body, id).input, new RegExp(`value="${PASSWORD}"`), id);
      }
      assert.doesNotMatch(taken.body, /id="identityDocument-erreur"/);
      // Sent again without choosing the file: the account is created with the file kept.
      const done = await browser.submit(taken, /\/etape\/4$/, {
        ...fields[4],
        identifier: 'paul.martin',
        action: 'suivant',
      });
      assert.equal(done.status, 200, done.body.slice(0, 2000));
      assert.match(done.body, /Vérifiez votre boîte e-mail/);
      const [document] = await app.dataSource.query<Array<{ media_type: string }>>(
        `SELECT d.media_type FROM identity_document d JOIN account a ON a.id = d.account_id
         WHERE a.email = 'paul@martin-sarl.fr'`,
      );
      assert.equal(document?.media_type, 'image/png');
    });
  });

  describe('the FranceConnect identity', () => {
    it('names the birthplace by its commune, not its INSEE code', async () => {
      const browser = new HttpBrowser();
      let page = await throughFranceConnect(browser, 'angela');
      page = await browser.get(page.url.replace(/suite$/, 'inscription'), app.url);
      page = await browser.submit(
        page,
        /franceconnect\/inscription$/,
        { email: 'angela.dubois@exemple.fr', acceptTerms: 'oui', acceptPrivacy: 'oui' },
        app.url,
      );
      assert.match(page.url, /\/compte$/, page.body.slice(0, 1500));
      const identity = await browser.get(`${app.url}/compte/franceconnect`, app.url);
      assert.equal(identity.status, 200);
      const birthplace = /Lieu de naissance<\/dt><dd>([^<]*)</.exec(identity.body)![1];
      assert.equal(birthplace, 'Paris 7e Arrondissement (75)');
    });
  });

  describe('linking FranceConnect to an existing account', () => {
    it('shows what will change and asks to confirm; cancelling keeps everything, confirming links', async () => {
      await app.app.get(IdentityService).createActiveAccount({
        email: 'jp@exemple.fr',
        password: PASSWORD,
        identifier: 'jp.martin',
        givenName: 'Jean-Pierre',
        familyName: 'Martin',
      });
      await app.dataSource.query(`UPDATE account SET birth_date = '1981-02-01' WHERE identifier = 'jp.martin'`);
      const [{ id }] = await app.dataSource.query<Array<{ id: string }>>(
        `SELECT id FROM account WHERE identifier = 'jp.martin'`,
      );
      const linkPage = async () => {
        const browser = new HttpBrowser();
        const next = await throughFranceConnect(browser, 'jean-pierre');
        const form = await browser.get(next.url.replace(/suite$/, 'lier'), app.url);
        const page = await browser.submit(
          form,
          /franceconnect\/lier$/,
          { identifier: 'jp.martin', password: PASSWORD },
          app.url,
        );
        return { browser, page };
      };
      const state = async () =>
        (
          await app.dataSource.query<Array<Record<string, unknown>>>(
            `SELECT a.given_name, a.family_name, a.birth_date::text AS birth_date, a.identity_certified_by,
                    (SELECT count(*)::int FROM franceconnect_identity f WHERE f.account_id = a.id) AS links
             FROM account a WHERE a.id = $1`,
            [id],
          )
        )[0];
      const before = await state();
      assert.deepEqual(before, {
        given_name: 'Jean-Pierre',
        family_name: 'Martin',
        birth_date: '1981-02-01',
        identity_certified_by: null,
        links: 0,
      });

      const first = await linkPage();
      assert.equal(first.page.status, 200, first.page.body.slice(0, 2000));
      assert.match(first.page.body, /<h1>Confirmer la liaison avec FranceConnect<\/h1>/);
      const row = (label: string) =>
        new RegExp(
          `<th scope="row">${label}</th>\\s*<td>([^<]*)</td>\\s*<td>(?:<strong>)?([^<]*)(?:</strong>)?</td>\\s*<td>([^<]*)</td>`,
        )
          .exec(first.page.body)
          ?.slice(1);
      assert.deepEqual(row('Prénoms'), ['Jean-Pierre', 'Jean Pierre Marie Joseph', 'Modifié']);
      assert.deepEqual(row('Nom de naissance'), ['Martin', 'MARTIN', 'Modifié']);
      assert.deepEqual(row('Date de naissance'), ['1 février 1981', '1 janvier 1981', 'Modifié']);
      assert.deepEqual(row('Lieu de naissance'), ['Non renseigné', 'Lyon (69)', 'Modifié']);
      assert.deepEqual(await state(), before, 'nothing changed before the confirmation');

      const cancelled = await first.browser.submit(first.page, /lier\/confirmer$/, { decision: 'annuler' }, app.url);
      assert.equal(cancelled.status, 200);
      assert.match(cancelled.body, /Votre compte n’a pas été modifié et n’est pas relié à FranceConnect/);
      assert.deepEqual(await state(), before, 'cancelling keeps everything');
      // The confirmation page left behind (back button, shared computer) links nothing once cancelled.
      const replayed = await first.browser.submit(first.page, /lier\/confirmer$/, { decision: 'confirmer' }, app.url);
      assert.ok(replayed.status >= 400, `replayed after cancel: ${replayed.status}`);
      assert.deepEqual(await state(), before, 'a replayed confirmation after cancelling links nothing');

      // A ticket of another interaction, or a forged one, links nothing.
      const second = await linkPage();
      const forged = await second.browser.submit(
        second.page,
        /lier\/confirmer$/,
        { decision: 'confirmer', ticket: 'v1.a.b.c' },
        app.url,
      );
      assert.equal(forged.status, 400);
      assert.deepEqual(await state(), before);

      const third = await linkPage();
      const confirmed = await third.browser.submit(third.page, /lier\/confirmer$/, { decision: 'confirmer' }, app.url);
      assert.ok(confirmed.location || confirmed.status < 400, confirmed.body.slice(0, 1500));
      assert.deepEqual(await state(), {
        given_name: 'Jean Pierre Marie Joseph',
        family_name: 'MARTIN',
        birth_date: '1981-01-01',
        identity_certified_by: 'franceconnect',
        links: 1,
      });
    });
  });

  describe('a damaged link', () => {
    // Cut by a mail client (too short), or with what a mail client glued to it.
    const damaged = ['AbCdEf0123', `${'A'.repeat(43)}%3E`, 'x'.repeat(300)];

    it('shows « Ce lien n’est pas valable » and what to do, for an activation link', async () => {
      for (const token of damaged) {
        const browser = new HttpBrowser();
        const page = await browser.get(`${app.url}/activation/${token}`);
        assert.equal(page.status, 400, token);
        assert.match(page.body, /<h1[^>]*>Ce lien n’est pas valable<\/h1>/);
        assert.match(page.body, /la page vous proposera de recevoir un nouveau lien d’activation/);
        assert.match(page.body, /href="\/compte"/);
      }
      const browser = new HttpBrowser();
      const form = await browser.get(`${app.url}/inscription/citoyen`);
      const answer = await browser.post(`${app.url}/activation/AbCdEf0123`, { _csrf: csrfOf(form.body) });
      assert.equal(answer.status, 400);
      assert.match(answer.body, /Ce lien n’est pas valable/);
    });

    it('shows « Ce lien n’est pas valable » and what to do, for a password reset link', async () => {
      for (const token of damaged) {
        const page = await new HttpBrowser().get(`${app.url}/mot-de-passe-oublie/nouveau/${token}`);
        assert.equal(page.status, 400, token);
        assert.match(page.body, /<h1[^>]*>Ce lien n’est pas valable<\/h1>/);
        assert.match(page.body, /Refaites une demande avec « Mot de passe oublié »/);
        assert.match(page.body, /href="\/mot-de-passe-oublie"/);
      }
    });
  });
});

describe('Sign-up journeys by SMS (local SMS gateway)', () => {
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
    await app?.close();
    await smtp?.stop();
    await gateway?.stop();
  });

  /** The code of the `n`-th SMS sent to `phone`. */
  const smsCode = async (phone: string, n: number) => {
    await app.app.get(OutboxWorker).deliverDue();
    await gateway.waitFor(() => gateway.requests.filter((r) => r.body.includes(phone)).length >= n);
    const sms = gateway.requests.filter((r) => r.body.includes(phone))[n - 1];
    return /(\d{6})/.exec((JSON.parse(sms.body) as { text: string }).text)![1];
  };
  const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

  it('after the last wrong activation code, says the code no longer works and offers only a new one', async () => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/inscription/citoyen`);
    page = await browser.submit(page, /\/inscription\/citoyen$/, {
      civility: 'monsieur',
      familyName: 'Code',
      givenName: 'Léon',
      birthDate: '1980-02-03',
      email: 'leon.code@example.fr',
      mobilePhone: '06 12 34 56 01',
      password: PASSWORD,
      passwordConfirmation: PASSWORD,
      acceptTerms: 'oui',
      acceptPrivacy: 'oui',
    });
    page = await browser.submit(page, /\/activation\/choix$/, { channel: 'sms' });
    assert.match(page.url, /\/activation\/code\//, page.body.slice(0, 2000));
    assert.match(page.body, /vient d’être envoyé/);
    const wrong = wrongFor(await smsCode('+33612345601', 1));
    for (let i = 1; i <= 5; i++) page = await browser.submit(page, /\/activation\/code\/[0-9a-f-]+$/, { code: wrong });
    assert.equal(page.status, 400);
    assert.match(page.body, /Ce code n’est plus valable/);
    assert.doesNotMatch(page.body, /vient d’être envoyé/);
    assert.doesNotMatch(page.body, /Valider le code/);
    assert.doesNotMatch(page.body, /id="code"/);
    assert.match(page.body, /<button[^>]*type="submit"[^>]*>Recevoir un nouveau code<\/button>/);

    // The new code activates the account.
    page = await browser.submit(page, /renvoyer$/, {});
    assert.match(page.body, /vient d’être envoyé/);
    page = await browser.submit(page, /\/activation\/code\/[0-9a-f-]+$/, { code: await smsCode('+33612345601', 2) });
    assert.match(page.body, /Votre compte est activé/);
  });

  it('after the last wrong reset code, says the code no longer works and offers only a new request', async () => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/mot-de-passe-oublie`);
    page = await browser.submit(page, /\/mot-de-passe-oublie$/, { login: 'leon.code', channel: 'sms' });
    assert.match(page.url, /\/mot-de-passe-oublie\/code\//, page.body.slice(0, 2000));
    const wrong = wrongFor(await smsCode('+33612345601', 3));
    for (let i = 1; i <= 5; i++)
      page = await browser.submit(page, /\/mot-de-passe-oublie\/code\/[0-9a-f-]+$/, { code: wrong });
    assert.equal(page.status, 400);
    assert.match(page.body, /Ce code n’est plus valable/);
    assert.doesNotMatch(page.body, /vient d’y être envoyé/);
    assert.doesNotMatch(page.body, /Valider le code/);
    assert.match(page.body, /<a class="fr-btn"[^>]*href="\/mot-de-passe-oublie"[^>]*>Refaire une demande<\/a>/);
  });

  it('brings recovery started from a site’s sign-in back to that sign-in, not to « Mon compte »', async () => {
    const redirectUri = 'http://127.0.0.1:9/retour';
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site-parcours', redirect_uris: [redirectUri] }, (m) => oidc.validateClient(m));
    const config = await client.discovery(
      new URL(app.config.issuer),
      'site-parcours',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const authorize = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const browser = new HttpBrowser();
    let signIn = await browser.get(authorize.toString(), app.url);
    const interaction = new URL(signIn.url).pathname;
    assert.match(interaction, /^\/interaction\/[\w-]+$/);
    const back = new RegExp(`href="${interaction}"[^>]*>(Retour à la connexion|M’identifier)<`);

    // « Identifiant oublié ? » on the identifier step.
    const forgotten = /href="(\/identifiant-oublie[^"]*)"/.exec(signIn.body)![1].replace(/&amp;/g, '&');
    let page = await browser.get(`${app.url}${forgotten}`, app.url);
    page = await browser.submit(page, /\/identifiant-oublie$/, { email: 'leon.code@example.fr' }, app.url);
    assert.match(page.body, back, 'identifiant oublié');

    // « Mot de passe ou identifiant oublié ? » on the password step, then the e-mailed link.
    signIn = await browser.get(`${app.url}${interaction}`, app.url);
    signIn = await browser.submit(signIn, /identifiant$/, { identifier: 'leon.code' }, app.url);
    const reset = /href="(\/mot-de-passe-oublie[^"]*)"/.exec(signIn.body)![1].replace(/&amp;/g, '&');
    page = await browser.get(`${app.url}${reset}`, app.url);
    page = await browser.submit(page, /\/mot-de-passe-oublie$/, { login: 'leon.code', channel: 'email' }, app.url);
    assert.match(page.body, back, 'mot de passe oublié');
    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor((m) => sentTo('leon.code@example.fr')(m) && /nouveau\//.test(m.text ?? ''));
    const link = /(http:\/\/127\.0\.0\.1:\d+\/mot-de-passe-oublie\/nouveau\/[\w-]{43})/.exec(mail.text ?? '')![1];
    page = await browser.get(link, app.url);
    const NEW = 'Parapluie-Orange-42';
    page = await browser.submit(page, /nouveau\//, { password: NEW, passwordConfirmation: NEW }, app.url);
    assert.match(page.body, /Mot de passe modifié/);
    assert.match(page.body, back, 'après le nouveau mot de passe');

    // The interrupted sign-in goes on, with the new password, to the site.
    signIn = await browser.get(`${app.url}${interaction}`, app.url);
    assert.equal(signIn.status, 200);
    signIn = await browser.submit(signIn, /identifiant$/, { identifier: 'leon.code' }, app.url);
    signIn = await browser.submit(signIn, /mot-de-passe$/, { password: NEW }, app.url);
    if (!signIn.location) signIn = await browser.submit(signIn, /consentement$/, { decision: 'autoriser' }, app.url);
    assert.ok(signIn.location?.startsWith(redirectUri), signIn.location);
  });

  it('ignores a return address that is not a sign-in of this platform', async () => {
    const browser = new HttpBrowser();
    let page = await browser.get(
      `${app.url}/identifiant-oublie?retour=${encodeURIComponent('https://ailleurs.example/')}`,
    );
    page = await browser.submit(page, /\/identifiant-oublie$/, { email: 'personne@example.fr' });
    assert.match(page.body, /href="\/compte"[^>]*>Retour à la connexion</);
    assert.doesNotMatch(page.body, /ailleurs/);
  });

  it('names the signed-in person in the header, and offers the seed’s reasons to create an account at sign-in', async () => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte`, app.url);
    assert.match(page.url, /\/interaction\//);
    assert.match(page.body, /Vous n’avez pas encore de compte ?/);
    assert.match(page.body, /En créant un compte, vous pourrez :/);
    assert.ok((page.body.match(/<li class="fr-icon-check-line[^"]*">/g) ?? []).length >= 3, 'la liste des avantages');
    assert.match(page.body, /href="\/inscription"[^>]*>Créer mon compte</);
    page = await browser.submit(page, /identifiant$/, { identifier: 'leon.code' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: 'Parapluie-Orange-42' }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1500));
    const header = /<header[\s\S]*?<\/header>/.exec(page.body)![0];
    assert.match(header, /Léon Code/);
  });

  it('announces on the home page only what the platform does, and how to create an account', async () => {
    const home = await new HttpBrowser().get(`${app.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.body, /href="\/inscription"[^>]*>Créer mon compte</);
    // The account holder sees open sessions and authorised sites; there is no sign-in journal to show them.
    assert.doesNotMatch(home.body, /enregistrée dans un journal/);
  });
});
