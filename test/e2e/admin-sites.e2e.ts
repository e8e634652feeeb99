import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import * as client from 'openid-client';
import { ADMIN_PASSWORD, csrfOf, makeAccount, signInToConsole } from '../support/admin';
import { passwordCodeFlow } from '../support/code-flow';
import type { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';
import { ClientRegistry } from '../../src/modules/oidc';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

describe('AdminModule: relying parties in the console (list, create, rotate a secret)', () => {
  let app: TestApp;
  let superAdmin: HttpBrowser;
  let support: HttpBrowser;
  let superAdminId: string;

  before(async () => {
    app = await startTestApp();
    superAdminId = (await makeAccount(app, 'sofia.super', 'super-admin')).id;
    await makeAccount(app, 'simon.support', 'support');
    superAdmin = await signInToConsole(app, 'sofia.super@example.fr');
    support = await signInToConsole(app, 'simon.support@example.fr');
  });
  after(async () => app.close());

  /** Client authentication at the token endpoint: 400 invalid_grant when the secret is right, 401 when wrong. */
  async function tokenStatus(clientId: string, secret: string): Promise<number> {
    const res = await fetch(`${app.config.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'inconnu', redirect_uri: REDIRECT_URI }),
    });
    return res.status;
  }

  const form = (fields: Record<string, string>) => ({
    clientId: 'site-essai',
    name: 'Site d’essai',
    redirectUris: REDIRECT_URI,
    postLogoutRedirectUris: '',
    backchannelLogoutUri: '',
    scope: 'openid profile email',
    grantAuthorizationCode: 'oui',
    grantRefreshToken: 'oui',
    tokenEndpointAuthMethod: 'client_secret_basic',
    ...fields,
  });

  it('refuses a bad form with a message per field, and the provider’s own refusal, creating nothing', async () => {
    const page = await superAdmin.get(`${app.url}/admin/sites/nouveau`, app.url);
    assert.equal(page.status, 200);
    const bad = await superAdmin.submit(
      page,
      /\/admin\/sites$/,
      form({ clientId: 'é', grantAuthorizationCode: '', grantRefreshToken: '' }),
      app.url,
    );
    assert.equal(bad.status, 400);
    assert.match(bad.body, /De 3 à 100 caractères/);
    assert.match(bad.body, /Choisissez au moins un type d’autorisation/);
    const refused = await superAdmin.submit(
      page,
      /\/admin\/sites$/,
      form({ redirectUris: 'pas-une-adresse' }),
      app.url,
    );
    assert.equal(refused.status, 400);
    assert.match(refused.body, /Métadonnées du client refusées/);
    const rows = await app.dataSource.query(`SELECT 1 FROM oidc_client WHERE client_id = 'site-essai'`);
    assert.equal(rows.length, 0);
  });

  it('creates a site (secret shown once) that then completes a sign-in, then rotates its secret (the old one refused)', async () => {
    const page = await superAdmin.get(`${app.url}/admin/sites/nouveau`, app.url);
    const created = await superAdmin.submit(page, /\/admin\/sites$/, form({}), app.url);
    assert.equal(created.status, 200);
    const secret = /<code data-secret>([^<]+)<\/code>/.exec(created.body)?.[1];
    assert.ok(secret, 'the secret is shown once');
    const [event] = await app.dataSource.query<
      Array<{ actor_id: string; details: { after: Record<string, unknown> } }>
    >(`SELECT actor_id, details FROM audit_event WHERE action = 'admin.client.created' AND target_id = 'site-essai'`);
    assert.equal(event.actor_id, superAdminId);
    assert.deepEqual(event.details.after.redirect_uris, [REDIRECT_URI]);
    assert.ok(!JSON.stringify(event.details).includes(secret), 'no secret in the trail');
    assert.doesNotMatch((await superAdmin.get(`${app.url}/admin/sites/site-essai`, app.url)).body, /data-secret/);

    const config = await client.discovery(
      new URL(app.config.issuer),
      'site-essai',
      undefined,
      client.ClientSecretBasic(secret),
      { execute: [client.allowInsecureRequests] },
    );
    await makeAccount(app, 'paula.personne');
    const { tokens } = await passwordCodeFlow(config, app.url, {
      identifier: 'paula.personne@example.fr',
      password: ADMIN_PASSWORD,
      redirectUri: REDIRECT_URI,
    });
    assert.ok(tokens?.access_token, 'the new site signs a person in');

    const sitePage = await superAdmin.get(`${app.url}/admin/sites/site-essai`, app.url);
    const rotated = await superAdmin.submit(sitePage, /\/admin\/sites\/site-essai\/secret$/, {}, app.url);
    assert.equal(rotated.status, 200);
    const fresh = /<code data-secret>([^<]+)<\/code>/.exec(rotated.body)?.[1];
    assert.ok(fresh && fresh !== secret);
    assert.equal(await tokenStatus('site-essai', secret), 401, 'the old secret is refused');
    assert.equal(await tokenStatus('site-essai', fresh), 400, 'the new one authenticates (then the code is unknown)');
    const [rotation] = await app.dataSource.query<Array<{ details: unknown }>>(
      `SELECT details FROM audit_event WHERE action = 'admin.client.secret_rotated' AND target_id = 'site-essai'`,
    );
    assert.ok(!JSON.stringify(rotation.details).includes(fresh));
  });

  it('edits a site with the provider’s check (before/after in the trail), then disables it (sign-in and tokens refused) and enables it again', async () => {
    const secret = (await app.app.get(ClientRegistry).find('site-essai'))!.client_secret!;
    const edit = await superAdmin.get(`${app.url}/admin/sites/site-essai/modifier`, app.url);
    assert.equal(edit.status, 200);
    assert.match(edit.body, /Modifier le site « site-essai »/);
    const badLogo = await superAdmin.submit(
      edit,
      /\/admin\/sites\/site-essai$/,
      form({ logoUri: 'http://logo.example.fr/logo.png' }),
      app.url,
    );
    assert.equal(badLogo.status, 400);
    assert.match(badLogo.body, /Adresse https:\/\/ attendue/);
    const refused = await superAdmin.submit(
      edit,
      /\/admin\/sites\/site-essai$/,
      form({ redirectUris: 'pas-une-adresse' }),
      app.url,
    );
    assert.equal(refused.status, 400);
    assert.match(refused.body, /Métadonnées du client refusées/);
    const stored = async () =>
      (
        await app.dataSource.query<Array<{ metadata: Record<string, unknown> }>>(
          `SELECT metadata FROM oidc_client WHERE client_id = 'site-essai'`,
        )
      )[0].metadata;
    assert.deepEqual((await stored()).redirect_uris, [REDIRECT_URI]);

    const saved = await superAdmin.submit(
      edit,
      /\/admin\/sites\/site-essai$/,
      form({
        name: 'Site d’essai renommé',
        postLogoutRedirectUris: 'http://127.0.0.1:9/au-revoir',
        logoUri: 'https://logo.example.fr/logo.png',
        grantRefreshToken: '',
      }),
      app.url,
    );
    assert.equal(saved.status, 200);
    assert.match(saved.body, /Les modifications du site sont enregistrées/);
    const after = await stored();
    assert.equal(after.client_name, 'Site d’essai renommé');
    assert.equal(after.logo_uri, 'https://logo.example.fr/logo.png');
    assert.deepEqual(after.grant_types, ['authorization_code']);
    assert.equal(after.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(await tokenStatus('site-essai', secret), 400, 'the secret is kept');
    const [updated] = await app.dataSource.query<
      Array<{ actor_id: string; details: { before: Record<string, unknown>; after: Record<string, unknown> } }>
    >(`SELECT actor_id, details FROM audit_event WHERE action = 'admin.client.updated' AND target_id = 'site-essai'`);
    assert.equal(updated.actor_id, superAdminId);
    assert.equal(updated.details.before.client_name, 'Site d’essai');
    assert.equal(updated.details.after.client_name, 'Site d’essai renommé');

    const sitePage = await superAdmin.get(`${app.url}/admin/sites/site-essai`, app.url);
    const disabled = await superAdmin.submit(sitePage, /\/admin\/sites\/site-essai\/desactiver$/, {}, app.url);
    assert.equal(disabled.status, 200);
    assert.match(disabled.body, /Le site est désactivé/);
    assert.equal(await tokenStatus('site-essai', secret), 401, 'a disabled site is unknown to the provider');
    const authorize = await fetch(
      `${app.config.issuer}/auth?${new URLSearchParams({ client_id: 'site-essai', response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }).toString()}`,
      { redirect: 'manual' },
    );
    assert.equal(authorize.status, 400, 'no sign-in starts for a disabled site');
    const enabled = await superAdmin.submit(disabled, /\/admin\/sites\/site-essai\/reactiver$/, {}, app.url);
    assert.equal(enabled.status, 200);
    assert.equal(await tokenStatus('site-essai', secret), 400);
    const actions = await app.dataSource.query<Array<{ action: string; details: unknown }>>(
      `SELECT action, details FROM audit_event WHERE action IN ('admin.client.disabled', 'admin.client.enabled') AND target_id = 'site-essai' ORDER BY occurred_at, id`,
    );
    assert.deepEqual(
      actions.map((a) => [a.action, a.details]),
      [
        ['admin.client.disabled', { before: { disabled: false }, after: { disabled: true } }],
        ['admin.client.enabled', { before: { disabled: true }, after: { disabled: false } }],
      ],
    );
    // The platform's own spaces are neither edited nor disabled here.
    assert.equal((await superAdmin.get(`${app.url}/admin/sites/plateforme-console/modifier`, app.url)).status, 400);
  });

  it('lets support list the sites but not create one nor rotate a secret (403, nothing changed)', async () => {
    const list = await support.get(`${app.url}/admin/sites`, app.url);
    assert.equal(list.status, 200);
    assert.match(list.body, /plateforme-console/);
    assert.doesNotMatch(list.body, /Nouveau site/);
    const sitePage = await support.get(`${app.url}/admin/sites/site-essai`, app.url);
    assert.doesNotMatch(sitePage.body, /Renouveler le secret|Modifier le site|Désactiver le site/);
    assert.equal((await support.get(`${app.url}/admin/sites/nouveau`, app.url)).status, 403);
    const token = csrfOf(list.body);
    const before = await app.dataSource.query(`SELECT secret_sealed FROM oidc_client WHERE client_id = 'site-essai'`);
    assert.equal(
      (await support.post(`${app.url}/admin/sites`, { _csrf: token, ...form({ clientId: 'autre' }) }, app.url)).status,
      403,
    );
    for (const path of ['secret', 'desactiver', 'reactiver'])
      assert.equal(
        (await support.post(`${app.url}/admin/sites/site-essai/${path}`, { _csrf: token }, app.url)).status,
        403,
      );
    assert.equal((await support.get(`${app.url}/admin/sites/site-essai/modifier`, app.url)).status, 403);
    assert.equal(
      (await support.post(`${app.url}/admin/sites/site-essai`, { _csrf: token, ...form({ name: 'piraté' }) }, app.url))
        .status,
      403,
    );
    assert.deepEqual(
      await app.dataSource.query(`SELECT secret_sealed FROM oidc_client WHERE client_id = 'site-essai'`),
      before,
    );
    assert.equal((await app.dataSource.query(`SELECT 1 FROM oidc_client WHERE client_id = 'autre'`)).length, 0);
    assert.equal((await superAdmin.get(`${app.url}/admin/sites/inconnu`, app.url)).status, 404);
  });

  describe('signing keys', () => {
    const keyCount = async () =>
      (await app.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM oidc_signing_key`))[0].n;

    it('shows support the keys with their state and age, without the rotation (POST refused)', async () => {
      const page = await support.get(`${app.url}/admin/cles`, app.url);
      assert.equal(page.status, 200);
      const kids = await app.dataSource.query<Array<{ kid: string }>>(`SELECT kid FROM oidc_signing_key`);
      for (const { kid } of kids) assert.ok(page.body.includes(`data-key="${kid}"`), kid);
      assert.match(page.body, /en service/);
      assert.doesNotMatch(page.body, /Renouveler les clés/);
      const before = await keyCount();
      const res = await support.post(`${app.url}/admin/cles/rotation`, { _csrf: csrfOf(page.body) }, app.url);
      assert.equal(res.status, 403);
      assert.equal(await keyCount(), before);
    });

    it('lets super-admin rotate the keys, with the password after 5 minutes (controlled clock), audited', async () => {
      const before = await keyCount();
      mock.timers.enable({ apis: ['Date'], now: Date.now() + 6 * 60 * 1000 });
      try {
        const page = await superAdmin.get(`${app.url}/admin/cles`, app.url);
        const refused = await superAdmin.submit(page, /\/admin\/cles\/rotation$/, { password: '' }, app.url);
        assert.equal(refused.status, 403);
        assert.equal(await keyCount(), before);
        const done = await superAdmin.submit(page, /\/admin\/cles\/rotation$/, { password: ADMIN_PASSWORD }, app.url);
        assert.equal(done.status, 200);
        assert.match(done.body, /De nouvelles clés sont publiées/);
        assert.match(done.body, /suivante/);
      } finally {
        mock.timers.reset();
      }
      assert.equal(await keyCount(), before + 3, 'one new key per algorithm');
      const [event] = await app.dataSource.query<
        Array<{ actor_id: string; details: { after: { newKeys: string[] } } }>
      >(`SELECT actor_id, details FROM audit_event WHERE action = 'admin.keys.rotated'`);
      assert.equal(event.actor_id, superAdminId);
      assert.equal(event.details.after.newKeys.length, 3);
    });
  });
});
