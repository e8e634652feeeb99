import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { ClientRegistry, OidcProviderService, ResourceServerRegistry } from '../../src/modules/oidc';
import { IdentityService } from '../../src/modules/identity';
import { CompanyAccounts } from '../../src/modules/secondary-accounts';
import { SubscriptionsService } from '../../src/modules/subscriptions';
import { ProviderHooks } from '../../src/platform/provider-hooks';
import { DatabaseNotifications } from '../../src/platform/database/database-notifications';
import { externalDatabase } from '../../src/platform/database/database-endpoint';
import { startSilentProxy } from '../support/silent-proxy';
import { spawnPlatform } from '../support/process';
import { countStatements, inProcessStatements } from '../support/statements';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, usesEmbeddedDatabase, type TestDatabase } from '../support/test-database';

const DEADLINE_MS = 1000;

/** A client-credentials request with a secret: the status the token endpoint answers. */
async function tokenStatus(app: TestApp, clientId: string, secret: string): Promise<number> {
  const res = await fetch(`${app.config.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  await res.arrayBuffer();
  return res.status;
}

/** Asks until `expected` comes (any refusal: `'refused'`), for at most `DEADLINE_MS`; returns the last status. */
async function within(check: () => Promise<number>, expected: number | 'refused'): Promise<number | 'refused'> {
  const deadline = Date.now() + DEADLINE_MS;
  const seen = (status: number): number | 'refused' => (expected === 'refused' && status >= 400 ? 'refused' : status);
  let status = seen(await check());
  while (status !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    status = seen(await check());
  }
  return status;
}

/**
 * The client cache (`ClientRegistry`) on two instances sharing one PostgreSQL: a client changed anywhere (through
 * either instance, the command line, or SQL typed by hand) is seen by both within a second.
 */
describe(
  'Client cache on two instances (LISTEN/NOTIFY invalidation)',
  { skip: usesEmbeddedDatabase() && 'serveur PostgreSQL requis' },
  () => {
    let database: TestDatabase;
    let a: TestApp;
    let b: TestApp;

    async function addRobot(clientId: string): Promise<string> {
      const oidc = a.app.get(OidcProviderService);
      const added = await a.app
        .get(ClientRegistry)
        .add({ client_id: clientId, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }, (m) =>
          oidc.validateClient(m),
        );
      return added.clientSecret!;
    }

    before(async () => {
      database = await createTestDatabase();
      // One platform, two instances: the same secret key.
      const env = { SECRET_KEY: randomBytes(32).toString('base64url') };
      a = await startTestApp({ database, env });
      b = await startTestApp({ database, env });
      // Both hear the notifications before the tests begin (the connection opens at start, in the background).
      for (const app of [a, b]) {
        const notifications = app.app.get(DatabaseNotifications);
        for (let tries = 0; !notifications.listening && tries < 200; tries++)
          await new Promise((resolve) => setTimeout(resolve, 25));
        assert.ok(notifications.listening, 'the instance listens');
      }
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await database?.drop();
    });

    it('serves a known client from memory: a token request sends only its token write', async () => {
      const secret = await addRobot('robot-memoire');
      assert.equal(await tokenStatus(a, 'robot-memoire', secret), 200);
      const [status, statements] = await countStatements(inProcessStatements, () =>
        tokenStatus(a, 'robot-memoire', secret),
      );
      assert.equal(status, 200);
      assert.equal(statements, 1, 'the access token is written; the client is not read again');
    });

    it('refuses a rotated secret on both instances within a second, and accepts the new one', async () => {
      const old = await addRobot('robot-rotation');
      // Both instances have the client in memory.
      assert.equal(await tokenStatus(a, 'robot-rotation', old), 200);
      assert.equal(await tokenStatus(b, 'robot-rotation', old), 200);
      const fresh = await a.app.get(ClientRegistry).rotateSecret('robot-rotation');
      assert.equal(
        await within(() => tokenStatus(b, 'robot-rotation', old), 401),
        401,
        'the other instance refuses it',
      );
      assert.equal(await tokenStatus(a, 'robot-rotation', old), 401, 'the instance that rotated refuses it');
      assert.equal(await tokenStatus(a, 'robot-rotation', fresh), 200);
      assert.equal(await tokenStatus(b, 'robot-rotation', fresh), 200);
    });

    it('sees a change made outside the application (SQL by hand) on both instances within a second', async () => {
      const secret = await addRobot('robot-sql');
      assert.equal(await tokenStatus(a, 'robot-sql', secret), 200);
      assert.equal(await tokenStatus(b, 'robot-sql', secret), 200);
      const sql = new Client({ connectionString: database.url });
      await sql.connect();
      try {
        // Client credentials no longer allowed: the provider refuses the grant (400 unauthorized_client).
        await sql.query(
          `UPDATE oidc_client SET metadata = jsonb_set(metadata, '{grant_types}', '["authorization_code"]') WHERE client_id = $1`,
          ['robot-sql'],
        );
      } finally {
        await sql.end();
      }
      assert.equal(await within(() => tokenStatus(a, 'robot-sql', secret), 400), 400);
      assert.equal(await within(() => tokenStatus(b, 'robot-sql', secret), 400), 400);
    });

    it('refuses a client removed with the command line on both instances within a second', async () => {
      const secret = await addRobot('robot-cli');
      assert.equal(await tokenStatus(a, 'robot-cli', secret), 200);
      assert.equal(await tokenStatus(b, 'robot-cli', secret), 200);
      const command = spawnPlatform(
        {
          NODE_ENV: 'test',
          DATABASE_URL: database.url,
          SECRET_KEY: a.config.secretKey,
          DATA_DIR: a.config.dataDir,
          PUBLIC_URL: a.url,
          LOG_LEVEL: 'silent',
        },
        'dist/src/platform/cli/cli.js',
        ['clients:remove', 'robot-cli'],
      );
      assert.equal(await command.exited, 0, command.output());
      assert.equal(await within(() => tokenStatus(a, 'robot-cli', secret), 401), 401);
      assert.equal(await within(() => tokenStatus(b, 'robot-cli', secret), 401), 401);
    });

    it('sees the product a client joins, and a product changed by hand, on both instances within a second', async () => {
      await addRobot('robot-produit');
      const someone = '6c1f7a52-3b8e-4d6f-9a51-0d2c4e8b7f10';
      const productOf = (app: TestApp) => app.app.get(SubscriptionsService).productAccess('robot-produit', someone);
      // Both keep « no product » for this client.
      assert.equal(await productOf(a), undefined);
      assert.equal(await productOf(b), undefined);
      const [, statements] = await countStatements(inProcessStatements, () => productOf(b));
      assert.equal(statements, 0, 'a client of no product is known from memory');
      await a.app.get(SubscriptionsService).addProduct({
        code: 'produit-cache',
        name: 'Produit du cache',
        url: 'https://produit.example.fr',
        clientIds: ['robot-produit'],
      });
      const required = async (app: TestApp) => (await productOf(app))?.product.subscriptionRequired;
      assert.equal(await required(a), true, 'the instance that added it sees it at once');
      const deadline = Date.now() + DEADLINE_MS;
      while ((await required(b)) !== true && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 25));
      assert.equal(await required(b), true, 'the other instance sees it within a second');
      const sql = new Client({ connectionString: database.url });
      await sql.connect();
      try {
        await sql.query(`UPDATE product SET subscription_required = false WHERE code = 'produit-cache'`);
      } finally {
        await sql.end();
      }
      for (const app of [a, b]) {
        const until = Date.now() + DEADLINE_MS;
        while ((await required(app)) !== false && Date.now() < until)
          await new Promise((resolve) => setTimeout(resolve, 25));
        assert.equal(await required(app), false, 'a change by hand is seen within a second');
      }
    });

    it('refuses a company account closed by hand on both instances within a second', async () => {
      const { id } = await a.app.get(IdentityService).createActiveAccount({
        email: 'entreprise.cache@example.fr',
        identifier: 'entreprise.cache',
        password: 'Chaussette-Volante-7',
        givenName: 'Pierre',
        familyName: 'DUPONT',
      });
      await a.dataSource.query(
        `WITH numbers AS (INSERT INTO organisation_number (account_id, siren, siret) VALUES ($1, '732829320', '73282932000074'))
         UPDATE account SET profile = 'entreprise', organisation_name = 'CACHE SA' WHERE id = $1`,
        [id],
      );
      await a.app.get(CompanyAccounts).ensurePrimary(id);
      const refused = async (app: TestApp) => {
        const check = app.app
          .get(ProviderHooks)
          .accessChecksFor(id)
          .find((c) => c.name === 'secondary-accounts.closed')!;
        return Boolean(await check.check({ accountId: id, clientId: 'robot-entreprise' }));
      };
      // Both keep the account's company as open.
      assert.equal(await refused(a), false);
      assert.equal(await refused(b), false);
      const [, statements] = await countStatements(inProcessStatements, () => refused(b));
      assert.equal(statements, 0, 'the company is known from memory');
      const sql = new Client({ connectionString: database.url });
      await sql.connect();
      try {
        await sql.query(`UPDATE company_account SET status = 'closed' WHERE account_id = $1`, [id]);
      } finally {
        await sql.end();
      }
      for (const app of [a, b]) {
        const until = Date.now() + DEADLINE_MS;
        while (!(await refused(app)) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
        assert.equal(await refused(app), true, 'the closed account is refused within a second');
      }
    });

    it('bypasses the cache while notifications cannot be heard, and uses it again once they can', async () => {
      const secret = await addRobot('robot-coupure');
      assert.equal(await tokenStatus(b, 'robot-coupure', secret), 200);
      const sql = new Client({ connectionString: database.url });
      const grantTypes = (types: string[]) =>
        sql.query(
          `UPDATE oidc_client SET metadata = jsonb_set(metadata, '{grant_types}', $2::jsonb) WHERE client_id = $1`,
          ['robot-coupure', JSON.stringify(types)],
        );
      await sql.connect();
      try {
        // The listening connections are ended by the server (as a restart or a network cut would), and the client
        // changes at once: whether instance b listens again yet or not, it must not serve the old metadata.
        await sql.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
        );
        await grantTypes(['authorization_code']);
        assert.equal(await within(() => tokenStatus(b, 'robot-coupure', secret), 400), 400);
        // Listening again (the connection is reopened): changes are heard, and the client is kept in memory again.
        await grantTypes(['client_credentials']);
        assert.equal(await within(() => tokenStatus(b, 'robot-coupure', secret), 200), 200);
      } finally {
        await sql.end();
      }
      // The listening connection is reopened in the background: wait (5 s at most) until it listens again, which the
      // 200 above does not prove (a bypassed cache answers 200 too).
      for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
        const [, one] = await countStatements(inProcessStatements, () => tokenStatus(b, 'robot-coupure', secret));
        if (one < 2) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [status, statements] = await countStatements(inProcessStatements, async () => {
        for (let attempt = 0; attempt < 20; attempt++) await tokenStatus(b, 'robot-coupure', secret);
        return tokenStatus(b, 'robot-coupure', secret);
      });
      assert.equal(status, 200);
      assert.ok(statements < 2 * 21, `${statements} statements for 21 requests: the client is read from memory again`);
    });

    it('serves an API from memory, and refuses it on both instances within a second once removed by hand', async () => {
      const api = 'https://api-cache.example.fr/v1';
      await a.app.get(ResourceServerRegistry).add({ identifier: api, name: 'API en cache', scopes: ['cache:lire'] });
      // A new API's scopes reach the providers with the key refresh (every 30 s): at once here.
      for (const app of [a, b]) await app.app.get(OidcProviderService).refreshKeys();
      const oidc = a.app.get(OidcProviderService);
      const { clientSecret } = await a.app.get(ClientRegistry).add(
        {
          client_id: 'robot-api',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          scope: 'cache:lire',
        },
        (m) => oidc.validateClient(m),
      );
      const apiToken = (app: TestApp) =>
        fetch(`${app.config.issuer}/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`robot-api:${clientSecret!}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ grant_type: 'client_credentials', resource: api, scope: 'cache:lire' }),
        }).then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        });
      assert.equal(await apiToken(a), 200);
      assert.equal(await apiToken(b), 200);
      // A JWT for an API is not stored, and the client and the API are in memory: nothing is read or written.
      const [status, statements] = await countStatements(inProcessStatements, () => apiToken(b));
      assert.equal(status, 200);
      assert.equal(statements, 0, 'the API is read from memory');
      const sql = new Client({ connectionString: database.url });
      await sql.connect();
      try {
        await sql.query(`DELETE FROM oidc_resource_server WHERE identifier = $1`, [api]);
      } finally {
        await sql.end();
      }
      assert.equal(await within(() => apiToken(a), 'refused'), 'refused');
      assert.equal(await within(() => apiToken(b), 'refused'), 'refused');
    });

    it('gives up a listening connection whose path falls silent (no error, no end), then listens again', async () => {
      // A firewall dropping the connection says nothing: only the periodic check can tell the caches to stop trusting.
      const url = new URL(database.url);
      const proxy = await startSilentProxy({ host: url.hostname, port: Number(url.port) });
      const throughProxy = new URL(database.url);
      throughProxy.hostname = '127.0.0.1';
      throughProxy.port = String(proxy.port);
      const notifications = new DatabaseNotifications(externalDatabase(throughProxy.toString()));
      notifications.heartbeatMs = 200;
      notifications.heartbeatTimeoutMs = 300;
      const heard: string[] = [];
      let resets = 0;
      const waitFor = async (condition: () => boolean, what: string) => {
        for (const deadline = Date.now() + 5000; !condition();) {
          assert.ok(Date.now() < deadline, what);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      };
      const sql = new Client({ connectionString: database.url });
      await sql.connect();
      try {
        notifications.subscribe('essai_silence', { notified: (payload) => heard.push(payload), reset: () => resets++ });
        await waitFor(() => notifications.listening, 'listens through the proxy');
        await sql.query(`NOTIFY essai_silence, 'avant'`);
        await waitFor(() => heard.includes('avant'), 'hears a notification');
        const resetsBefore = resets;
        proxy.silence();
        const silencedAt = Date.now();
        await waitFor(() => !notifications.listening, 'stops listening once the path is silent');
        assert.ok(Date.now() - silencedAt < 2000, 'within a heartbeat and its patience');
        assert.ok(resets > resetsBefore, 'the subscribers are told to drop what they kept');
        // New connections still pass: it listens again, and hears what is sent then.
        await waitFor(() => notifications.listening, 'listens again on a new connection');
        await sql.query(`NOTIFY essai_silence, 'après'`);
        await waitFor(() => heard.includes('après'), 'hears a notification on the new connection');
      } finally {
        await sql.end();
        await notifications.onModuleDestroy();
        await proxy.close();
      }
    });
  },
);
