import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import { OidcProviderService, SigningKeyStore } from '../../src/modules/oidc';
import { freePort } from '../support/ports';
import { spawnPlatform, waitUntilReady } from '../support/process';
import { startSmtpServer } from '../support/smtp';
import { startTestApp } from '../support/test-app';
import { createTestDatabase, usesEmbeddedDatabase } from '../support/test-database';

const serverOnly = usesEmbeddedDatabase() ? 'plusieurs instances : serveur PostgreSQL seulement' : false;

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('Operations', () => {
  describe('two instances starting together', { skip: serverOnly }, () => {
    it('create one signing key per algorithm and publish the same key set', async () => {
      const database = await createTestDatabase();
      // The same SECRET_KEY, as instances of one deployment have: each reads the keys the other created.
      const env = { SECRET_KEY: 'k'.repeat(43) };
      const a = await startTestApp({ database, env });
      const b = await startTestApp({ database, env }).catch(async (error: unknown) => {
        await a.close();
        throw error;
      });
      try {
        const active = await query<{ alg: string; n: number }>(
          database.url,
          'SELECT alg, count(*)::int AS n FROM oidc_signing_key WHERE retired_at IS NULL GROUP BY alg ORDER BY alg',
        );
        assert.deepEqual(active, [
          { alg: 'ES256', n: 1 },
          { alg: 'EdDSA', n: 1 },
          { alg: 'RS256', n: 1 },
        ]);
        const kids = async (url: string) =>
          ((await (await fetch(`${url}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys
            .map((k) => k.kid)
            .sort();
        assert.deepEqual(await kids(a.url), await kids(b.url));

        // The race of a first start on an empty database: both see no key, one creates them, both publish them.
        await query(database.url, 'DELETE FROM oidc_signing_key');
        await Promise.all([a.app.get(SigningKeyStore).ensureKeys(), b.app.get(SigningKeyStore).ensureKeys()]);
        const [{ n }] = await query<{ n: number }>(database.url, 'SELECT count(*)::int AS n FROM oidc_signing_key');
        assert.equal(n, 3);
        await Promise.all([a.app.get(OidcProviderService).refreshKeys(), b.app.get(OidcProviderService).refreshKeys()]);
        assert.deepEqual(await kids(a.url), await kids(b.url));
      } finally {
        await a.close();
        await b.close();
        await database.drop();
      }
    });
  });

  describe('/metrics', () => {
    it('requires the bearer token when METRICS_TOKEN is set', async () => {
      const token = 'jeton-de-mesures-0123456789';
      const app = await startTestApp({ env: { METRICS_TOKEN: token } });
      try {
        const none = await fetch(`${app.url}/metrics`);
        assert.equal(none.status, 401);
        assert.equal(none.headers.get('www-authenticate'), 'Bearer');
        const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer faux-jeton-0123456789' } });
        assert.equal(wrong.status, 401);
        const right = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(right.status, 200);
        assert.match(await right.text(), /http_request_duration_seconds/);
      } finally {
        await app.close();
      }
    });
  });

  describe('SIGTERM', { skip: serverOnly }, () => {
    it('stops within 10 s, hands back the message it was sending, and serves metrics on METRICS_PORT only', async () => {
      const database = await createTestDatabase();
      // A mail server that reads the message and never answers: the worker is in the middle of sending at SIGTERM.
      const smtp = await startSmtpServer({ stall: true });
      const port = await freePort();
      const metricsPort = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PUBLIC_URL: url,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'platform-sigterm-')),
        DATABASE_URL: database.url,
        SECRET_KEY: 's'.repeat(43),
        SMTP_URL: smtp.url,
        METRICS_PORT: String(metricsPort),
      };
      const platform = spawnPlatform(env);
      try {
        await waitUntilReady(platform, `${url}/health`);
        assert.equal((await fetch(`${url}/metrics`)).status, 404);
        const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        assert.equal(metrics.status, 200);
        assert.match(await metrics.text(), /outbox_messages/);

        const cli = spawnPlatform(env, 'dist/src/platform/cli/cli.js', ['mail:test', '--to', 'arret@exemple.fr']);
        assert.equal(await cli.exited, 0, cli.output());
        const deadline = Date.now() + 15_000;
        while (smtp.stalled.length === 0) {
          assert.ok(Date.now() < deadline, 'le message n’est pas parti');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const [sending] = await query<{ status: string }>(database.url, 'SELECT status FROM outbox_message');
        assert.equal(sending?.status, 'sending');

        // Keep-alive connections open, as a load balancer keeps them.
        for (let i = 0; i < 3; i++) await (await fetch(`${url}/health`)).text();
        const started = Date.now();
        platform.child.kill('SIGTERM');
        const code = await platform.exited;
        const elapsed = Date.now() - started;
        assert.equal(code, 0, platform.output());
        assert.ok(elapsed < 10_000, `arrêt en ${elapsed} ms`);
        assert.match(platform.output(), /messages en cours remis dans la file/);
        const [after] = await query<{ status: string; locked_until: Date | null }>(
          database.url,
          'SELECT status, locked_until FROM outbox_message',
        );
        assert.deepEqual(after, { status: 'pending', locked_until: null });
      } finally {
        if (platform.child.exitCode === null) platform.child.kill('SIGKILL');
        await smtp.stop();
        await database.drop();
      }
    });
  });
});
