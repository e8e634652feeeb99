import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { CompanyAccounts } from '../../src/modules/secondary-accounts';
import { passwordCodeFlow } from '../support/code-flow';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';
const SECONDARY_PASSWORD = 'Parapluie-Rouge-42';
const REDIRECT_URI = 'http://127.0.0.1:9/retour';

describe('Secondary accounts (« Gestion de vos comptes secondaires »)', () => {
  let app: TestApp;
  let site: client.Configuration;

  const company = async (identifier: string, siret: string) => {
    const { id } = await app.app.get(IdentityService).createActiveAccount({
      email: `${identifier}@example.fr`,
      identifier,
      password: PASSWORD,
      givenName: 'Thomas',
      familyName: 'BRUN',
    });
    await app.dataSource.query(
      `WITH numbers AS (INSERT INTO organisation_number (account_id, siren, siret) VALUES ($1, $2, $3))
       UPDATE account SET profile = 'entreprise', organisation_name = $4 WHERE id = $1`,
      [id, siret.slice(0, 9), siret, `SOCIETE ${identifier.toUpperCase()}`],
    );
    await app.app.get(CompanyAccounts).ensurePrimary(id);
  };

  const signIn = async (login: string, password = PASSWORD) => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte/entreprise`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1000));
    return { browser, page };
  };

  const create = async (browser: HttpBrowser, fields: Record<string, string>) => {
    const form = await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/nouveau`, app.url);
    return browser.submit(
      form,
      /nouveau$/,
      { password: SECONDARY_PASSWORD, passwordConfirmation: SECONDARY_PASSWORD, ...fields },
      app.url,
    );
  };

  const secondary = async (login: string) =>
    (
      await app.dataSource.query<Array<{ id: string; status: string; account_status: string; has_mailbox: boolean }>>(
        `SELECT c.id, c.status, a.status AS account_status, c.has_mailbox
         FROM company_account c JOIN account a ON a.id = c.account_id WHERE c.login = $1`,
        [login],
      )
    )[0];

  before(async () => {
    // Mailboxes offered (their webhook is queued, not delivered: no outbox worker runs here).
    app = await startTestApp({
      env: {
        MAILBOX_DOMAIN: 'boites.example.fr',
        MAILBOX_WEBHOOK_URL: 'http://127.0.0.1:9/boites',
        MAILBOX_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      },
    });
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site', client_name: 'Site de déclarations', redirect_uris: [REDIRECT_URI] }, (m) =>
        oidc.validateClient(m),
      );
    site = await client.discovery(
      new URL(app.config.issuer),
      'site',
      undefined,
      client.ClientSecretBasic(clientSecret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    await company('asp1ent', '07955542100019');
    await company('autre', '73282932000074');
  });
  after(async () => app.close());

  it('creates a secondary account suffixed by the primary’s name, refusing a mailbox beyond the quota', async () => {
    const { browser } = await signIn('asp1ent');
    const refused = await create(browser, { name: 'cs1', mailbox: 'oui' });
    assert.equal(refused.status, 409);
    assert.match(refused.body, /Aucun compte secondaire avec boîte mail n’est prévu/);
    assert.match(refused.body, /value="cs1"/, 'what was typed is kept');

    const bad = await create(browser, { name: 'CS 1/..', passwordConfirmation: 'autre' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Le nom de compte compte 1 à 30 caractères/);
    assert.match(bad.body, /Les deux mots de passe ne sont pas identiques/);

    const done = await create(browser, { name: 'cs1', autonomous: 'oui' });
    assert.equal(done.status, 200, done.body.slice(0, 1500));
    assert.match(done.body, /Le compte secondaire cs1\.asp1ent a été créé/);
    assert.match(
      done.body,
      /<td>cs1\.asp1ent<\/td><td>Entreprise<\/td><td>07955542100019<\/td><td>SOCIETE ASP1ENT<\/td>/,
    );
    assert.match(done.body, /<td>Ouvert<\/td><td>Non<\/td>/, 'statut, BAL');
    const again = await create(browser, { name: 'cs1' });
    assert.equal(again.status, 400);
    assert.match(again.body, /Le compte « cs1\.asp1ent » existe déjà/);

    // The secondary signs in with its own name and password, like anyone.
    const { page } = await signIn('cs1.asp1ent', SECONDARY_PASSWORD).catch(() => ({ page: undefined }));
    assert.equal(page, undefined, 'a secondary account has no « Gestion des Comptes » (403)');
    const own = new HttpBrowser();
    const { tokens } = await passwordCodeFlow(site, app.url, {
      identifier: 'cs1.asp1ent',
      password: SECONDARY_PASSWORD,
      redirectUri: REDIRECT_URI,
      browser: own,
    });
    assert.ok(tokens?.access_token);
  });

  it('holds the quota of accounts with a mailbox under 20 concurrent creations', async () => {
    await app.dataSource.query(`UPDATE company_account SET secondary_quota = 3 WHERE login = 'asp1ent'`);
    const { browser } = await signIn('asp1ent');
    const form = await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/nouveau`, app.url);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        browser.submit(
          form,
          /nouveau$/,
          { name: `bal${i}`, mailbox: 'oui', password: SECONDARY_PASSWORD, passwordConfirmation: SECONDARY_PASSWORD },
          app.url,
        ),
      ),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 3);
    assert.equal(results.filter((r) => r.status === 409).length, 17);
    assert.match(
      results.find((r) => r.status === 409)!.body,
      /Le nombre de comptes secondaires avec boîte mail prévu \(3\) est atteint/,
    );
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM company_account WHERE has_mailbox AND login LIKE 'bal%'`,
    );
    assert.equal(n, 3);
    const [{ orphans }] = await app.dataSource.query<Array<{ orphans: number }>>(
      `SELECT count(*)::int AS orphans FROM company_account WHERE account_id IS NULL`,
    );
    assert.equal(orphans, 0);
    const created = await create(browser, { name: 'sansbal' });
    assert.equal(created.status, 200, 'without a mailbox, the quota does not count');
  });

  it('deactivates a secondary account, ending its live session at a site at once, and reactivates it', async () => {
    const own = new HttpBrowser();
    const { tokens } = await passwordCodeFlow(site, app.url, {
      identifier: 'cs1.asp1ent',
      password: SECONDARY_PASSWORD,
      redirectUri: REDIRECT_URI,
      browser: own,
    });
    assert.ok(await client.fetchUserInfo(site, tokens!.access_token, client.skipSubjectCheck));

    const { browser, page } = await signIn('asp1ent');
    const id = (await secondary('cs1.asp1ent')).id;
    const deactivated = await browser.submit(page, new RegExp(`${id}/desactiver$`), {}, app.url);
    assert.equal(deactivated.status, 200);
    assert.match(deactivated.body, /Le compte secondaire cs1\.asp1ent a été désactivé/);
    assert.match(deactivated.body, /<td>cs1\.asp1ent<\/td>[\s\S]*?<td>Fermé<\/td>[\s\S]*?Réactiver/, 'stays listed');
    assert.equal((await secondary('cs1.asp1ent')).account_status, 'disabled');
    // What the site holds stops working at once, and the provider's session is gone: no single sign-on.
    await assert.rejects(client.fetchUserInfo(site, tokens!.access_token, client.skipSubjectCheck));
    const again = await passwordCodeFlow(site, app.url, {
      identifier: 'cs1.asp1ent',
      password: SECONDARY_PASSWORD,
      redirectUri: REDIRECT_URI,
      browser: own,
    }).catch(() => ({ tokens: undefined }));
    assert.equal(again.tokens, undefined, 'sign-in refused');

    const listed = await browser.get(`${app.url}/compte/entreprise?statut=closed`, app.url);
    assert.match(listed.body, /1 compte\(s\) secondaire\(s\) trouvé\(s\)/);
    const reactivated = await browser.submit(listed, new RegExp(`${id}/reactiver$`), {}, app.url);
    assert.match(reactivated.body, /Le compte secondaire cs1\.asp1ent a été réactivé/);
    assert.deepEqual(
      { status: (await secondary('cs1.asp1ent')).status, account: (await secondary('cs1.asp1ent')).account_status },
      { status: 'open', account: 'active' },
    );
    const back = await passwordCodeFlow(site, app.url, {
      identifier: 'cs1.asp1ent',
      password: SECONDARY_PASSWORD,
      redirectUri: REDIRECT_URI,
    });
    assert.ok(back.tokens?.access_token);
  });

  it('gives sites the `company` claim, and refuses a closed account at every site (provider access check)', async () => {
    const metadata = site.serverMetadata();
    assert.ok(metadata.scopes_supported?.includes('company'));
    assert.ok(metadata.claims_supported?.includes('company'));
    const secondaryId = (await secondary('cs1.asp1ent')).id;
    await app.dataSource.query(
      `INSERT INTO teleprocedure (code, description) VALUES ('AED', 'Attestation') ON CONFLICT DO NOTHING`,
    );
    await app.dataSource.query(
      `INSERT INTO company_teleprocedure (company_account_id, teleprocedure_code)
       SELECT id, 'AED' FROM company_account WHERE login IN ('asp1ent', 'cs1.asp1ent') ON CONFLICT DO NOTHING`,
    );
    const { tokens } = await passwordCodeFlow(site, app.url, {
      identifier: 'cs1.asp1ent',
      password: SECONDARY_PASSWORD,
      redirectUri: REDIRECT_URI,
      scope: 'openid company',
    });
    const expected = {
      siren: '079555421',
      siret: '07955542100019',
      name: 'SOCIETE ASP1ENT',
      account_type: 'secondary',
      primary_login: 'asp1ent',
      teleprocedures: ['AED'],
    };
    assert.deepEqual(tokens!.claims()!.company, expected);
    const info = await client.fetchUserInfo(site, tokens!.access_token, client.skipSubjectCheck);
    assert.deepEqual(info.company, expected);
    const primary = await passwordCodeFlow(site, app.url, {
      identifier: 'asp1ent',
      password: PASSWORD,
      redirectUri: REDIRECT_URI,
      scope: 'openid company',
    });
    assert.deepEqual(primary.tokens!.claims()!.company, { ...expected, account_type: 'primary' });

    // « Fermé » (an operator's closing, the migration of a closed account) refuses the sign-in, though the identity
    // account is still active; what the site holds stops working at userinfo.
    await app.dataSource.query(`UPDATE company_account SET status = 'closed' WHERE id = $1`, [secondaryId]);
    await assert.rejects(client.fetchUserInfo(site, tokens!.access_token, client.skipSubjectCheck));
    const refused = await passwordCodeFlow(site, app.url, {
      identifier: 'cs1.asp1ent',
      password: SECONDARY_PASSWORD,
      redirectUri: REDIRECT_URI,
      scope: 'openid company',
    });
    assert.equal(refused.tokens, undefined);
    assert.equal(refused.page.status, 403);
    assert.match(refused.page.body, /Le compte secondaire cs1\.asp1ent est désactivé/);
    assert.match(refused.page.body, /Demandez au compte principal asp1ent de le réactiver/);
    await app.dataSource.query(`UPDATE company_account SET status = 'open' WHERE id = $1`, [secondaryId]);
  });

  it('keeps company B out of company A’s secondary accounts (ids changed in URLs)', async () => {
    const target = await secondary('cs1.asp1ent');
    const { browser, page } = await signIn('autre');
    assert.doesNotMatch(page.body, /asp1ent/, 'not listed');
    const searched = await browser.get(`${app.url}/compte/entreprise?nom=asp1ent`, app.url);
    assert.match(searched.body, /0 compte\(s\) secondaire\(s\) trouvé\(s\)/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    for (const action of ['desactiver', 'reactiver']) {
      const res = await browser.post(
        `${app.url}/compte/entreprise/comptes-secondaires/${target.id}/${action}`,
        { _csrf: csrf },
        app.url,
      );
      assert.equal(res.status, 404, action);
    }
    const primaryId = (
      await app.dataSource.query<Array<{ id: string }>>(`SELECT id FROM company_account WHERE login = 'asp1ent'`)
    )[0].id;
    const primary = await browser.post(
      `${app.url}/compte/entreprise/comptes-secondaires/${primaryId}/desactiver`,
      { _csrf: csrf },
      app.url,
    );
    assert.equal(primary.status, 404, 'nor the primary itself');
    const malformed = await browser.post(
      `${app.url}/compte/entreprise/comptes-secondaires/pas-un-id/desactiver`,
      { _csrf: csrf },
      app.url,
    );
    assert.equal(malformed.status, 400);
    assert.deepEqual(await secondary('cs1.asp1ent'), target, 'nothing changed');
    const [{ status }] = await app.dataSource.query<Array<{ status: string }>>(
      `SELECT a.status FROM account a JOIN company_account c ON c.account_id = a.id WHERE c.login = 'asp1ent'`,
    );
    assert.equal(status, 'active');
  });
});
