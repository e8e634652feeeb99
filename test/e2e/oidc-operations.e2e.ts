import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService, SigningKeyStore } from '../../src/modules/oidc';
import { passwordCodeFlow } from '../support/code-flow';
import { HttpBrowser } from '../support/http-browser';
import { freePort } from '../support/ports';
import { startRoundRobinProxy } from '../support/round-robin-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, usesEmbeddedDatabase } from '../support/test-database';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';

async function setUp(app: TestApp, extra: Record<string, unknown> = {}): Promise<client.Configuration> {
  const oidc = app.app.get(OidcProviderService);
  await app.app
    .get(IdentityService)
    .createActiveAccount({ email: 'sam@example.fr', identifier: 'sam', password: PASSWORD });
  const { clientSecret } = await app.app
    .get(ClientRegistry)
    .add({ client_id: 'site', redirect_uris: [REDIRECT_URI], ...extra }, (m) => oidc.validateClient(m));
  return client.discovery(new URL(app.config.issuer), 'site', undefined, client.ClientSecretBasic(clientSecret), {
    execute: [client.allowInsecureRequests],
  });
}

/** Signs in through the pages and returns the tokens. */
function signIn(config: client.Configuration, base: string, browser = new HttpBrowser(), password = PASSWORD) {
  return passwordCodeFlow(config, base, { identifier: 'sam', password, redirectUri: REDIRECT_URI, browser });
}

describe('OpenID provider operations', () => {
  describe('key rotation', () => {
    let app: TestApp;
    let config: client.Configuration;
    before(async () => {
      app = await startTestApp();
      config = await setUp(app);
    });
    after(async () => app.close());

    it('publishes the new key first, signs with it after the delay, and keeps the old one for verification', async () => {
      const jwks = async () =>
        ((await (await fetch(`${app.url}/oidc/jwks`)).json()) as { keys: Array<{ kid: string; alg: string }> }).keys;
      const kidOf = async () => decodeProtectedHeader((await signIn(config, app.url)).tokens!.id_token!).kid;
      const before = await kidOf();
      const oidc = app.app.get(OidcProviderService);
      const [created] = await app.app.get(SigningKeyStore).rotate(600);
      await oidc.refreshKeys();
      const published = await jwks();
      assert.equal(published.length, 6);
      assert.ok(published.some((k) => k.kid === created.kid));
      assert.equal(await kidOf(), before, 'la nouvelle clé ne signe pas encore');

      // Ten minutes later (the instance re-reads its keys on a timer; here, at once, with the later time).
      assert.equal(await oidc.refreshKeys(new Date(Date.now() + 601_000)), true);
      const after = await kidOf();
      assert.notEqual(after, before);
      assert.ok(
        (await jwks()).some((k) => k.kid === before),
        'l’ancienne clé reste publiée',
      );
    });
  });

  describe('sign-in throttling', () => {
    let app: TestApp;
    let config: client.Configuration;
    before(async () => {
      app = await startTestApp();
      config = await setUp(app);
    });
    after(async () => app.close());

    it('makes the account wait after five failures, even with the right password, and says so in French', async () => {
      for (let i = 0; i < 5; i++)
        assert.equal((await signIn(config, app.url, new HttpBrowser(), 'faux')).page.status, 401);
      const { page } = await signIn(config, app.url);
      assert.equal(page.status, 429);
      assert.match(page.body, /Trop de tentatives\. Réessayez dans 1 minute\./);
      const [failure] = await app.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = 'identity.sign_in.failed'`,
      );
      assert.equal(failure.n, 5);
    });
  });

  describe('back-channel logout', () => {
    let app: TestApp;
    let receiver: Server;
    const received: string[] = [];
    let failures = 0;
    let config: client.Configuration;
    before(async () => {
      const port = await freePort();
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          if (failures > 0) {
            failures--;
            return void res.writeHead(503).end();
          }
          received.push(new URLSearchParams(body).get('logout_token') ?? '');
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
      app = await startTestApp();
      config = await setUp(app, {
        backchannel_logout_uri: `http://127.0.0.1:${port}/deconnexion`,
        post_logout_redirect_uris: ['http://127.0.0.1:9/deconnecte'],
      });
    });
    after(async () => {
      await app.close();
      receiver.close();
    });

    it('sends the site a signed logout token when the person signs out', async () => {
      const browser = new HttpBrowser();
      const { tokens } = await signIn(config, app.url, browser);
      const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens!.id_token! });
      const page = await browser.get(logout.toString(), app.url);
      await browser.submit(page, /session\/end\/confirm$/, { logout: 'yes' }, app.url);
      // Queued in the outbox (webhook channel), then delivered by the worker.
      const [queued] = await app.dataSource.query<Array<{ status: string }>>(
        `SELECT status FROM outbox_message WHERE channel = 'webhook'`,
      );
      assert.equal(queued.status, 'pending');
      await app.app.get(OutboxWorker).deliverDue();
      assert.equal(received.length, 1);
      const { payload } = await jwtVerify(received[0], createRemoteJWKSet(new URL(`${app.url}/oidc/jwks`)), {
        issuer: app.config.issuer,
        audience: 'site',
        typ: 'logout+jwt',
      });
      assert.equal(payload.sub, tokens!.claims()!.sub);
      assert.ok((payload.events as Record<string, unknown>)['http://schemas.openid.net/event/backchannel-logout']);
    });

    it('retries the logout token while the site is unavailable', async () => {
      received.length = 0;
      failures = 1;
      const browser = new HttpBrowser();
      const { tokens } = await signIn(config, app.url, browser);
      const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens!.id_token! });
      await browser.submit(
        await browser.get(logout.toString(), app.url),
        /session\/end\/confirm$/,
        { logout: 'yes' },
        app.url,
      );
      const worker = app.app.get(OutboxWorker);
      await worker.deliverDue();
      assert.equal(received.length, 0);
      const [waiting] = await app.dataSource.query<Array<{ id: string; last_error: string }>>(
        `SELECT id, last_error FROM outbox_message WHERE channel = 'webhook' AND status = 'pending'`,
      );
      assert.match(waiting.last_error, /a répondu 503/);
      await app.dataSource.query(`UPDATE outbox_message SET next_attempt_at = now() WHERE id = $1`, [waiting.id]);
      await worker.deliverDue();
      assert.equal(received.length, 1);
    });
  });

  describe(
    'two instances on one database',
    { skip: usesEmbeddedDatabase() && 'la base embarquée sert une seule instance' },
    () => {
      it('finishes on one instance a flow started on the other', async () => {
        const database = await createTestDatabase();
        const port = await freePort();
        const publicUrl = `http://127.0.0.1:${port}`;
        const env = { PUBLIC_URL: publicUrl, SECRET_KEY: randomBytes(32).toString('base64url') };
        const first = await startTestApp({ database, env });
        const second = await startTestApp({ database, env });
        const proxy = await startRoundRobinProxy(port, [first.url, second.url]);
        try {
          const config = await setUp(first);
          const { tokens } = await signIn(config, publicUrl);
          assert.ok(tokens?.access_token);
          assert.ok(proxy.hits[0] > 0 && proxy.hits[1] > 0, `requêtes : ${proxy.hits.join(' / ')}`);
        } finally {
          await proxy.close();
          await first.close();
          await second.close();
          await database.drop();
        }
      });
    },
  );
});
