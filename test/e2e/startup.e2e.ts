import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../support/ports';
import { spawnPlatform, waitUntilReady } from '../support/process';
import { createEmptyDatabase, createTestDatabase, usesEmbeddedDatabase } from '../support/test-database';

const KEY = 'k'.repeat(43);
const tempDir = () => mkdtempSync(join(tmpdir(), 'platform-startup-'));
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

/** Runs the platform with a bad setting and returns what it printed, after checking it failed cleanly. */
async function failingStart(env: Record<string, string>): Promise<string> {
  const platform = spawnPlatform({ DATA_DIR: tempDir(), ...env });
  const code = await platform.exited;
  assert.equal(code, 1, platform.output());
  assert.doesNotMatch(platform.output(), STACK_LINE, 'aucune pile d’appels');
  return platform.output();
}

describe('Starting the platform (main.ts)', () => {
  describe('with bad settings', () => {
    it('names a port that is not a number', async () => {
      const output = await failingStart({ PORT: 'abc' });
      assert.match(output, /Configuration invalide/);
      assert.match(output, /PORT : « abc » n'est pas un nombre entier/);
    });

    it('names a malformed DATABASE_URL', async () => {
      assert.match(await failingStart({ DATABASE_URL: 'postgres//oubli' }), /DATABASE_URL : /);
    });

    it('names an unreachable database server', async () => {
      const port = await freePort();
      const output = await failingStart({
        DATABASE_URL: `postgres://u:p@127.0.0.1:${port}/plateforme`,
        PORT: String(await freePort()),
      });
      assert.match(
        output,
        new RegExp(
          `Base de données PostgreSQL injoignable \\(127\\.0\\.0\\.1:${port}/plateforme\\) : connexion refusée`,
        ),
      );
    });

    it('refuses production without SECRET_KEY', async () => {
      assert.match(await failingStart({ NODE_ENV: 'production' }), /SECRET_KEY : obligatoire en production/);
    });
  });

  describe('on the embedded database', () => {
    it('keeps its data across a hard kill, and refuses a second process on the same folder', async () => {
      const dataDir = tempDir();
      const port = await freePort();
      const first = spawnPlatform({ DATA_DIR: dataDir, PORT: String(port), SECRET_KEY: KEY });
      try {
        await waitUntilReady(first, `http://127.0.0.1:${port}/health`);
        const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string };
        assert.equal(health.status, 'ok');

        const second = spawnPlatform({ DATA_DIR: dataDir, PORT: String(await freePort()), SECRET_KEY: KEY });
        assert.equal(await second.exited, 1);
        assert.match(second.output(), new RegExp(`déjà utilisé par un autre processus \\(pid ${first.child.pid}\\)`));
        assert.doesNotMatch(second.output(), STACK_LINE);
      } finally {
        first.child.kill('SIGKILL');
        await first.exited;
      }

      // After the hard kill, the command line opens the same folder and finds the schema in place.
      const cli = spawnPlatform({ DATA_DIR: dataDir, SECRET_KEY: KEY }, 'dist/src/platform/cli/cli.js', ['migrate']);
      assert.equal(await cli.exited, 0, cli.output());
      assert.match(cli.output(), /Aucune migration en attente : la base est à jour/);

      const again = spawnPlatform({ DATA_DIR: dataDir, PORT: String(port), SECRET_KEY: KEY });
      try {
        await waitUntilReady(again, `http://127.0.0.1:${port}/health`);
      } finally {
        again.child.kill('SIGTERM');
      }
      assert.equal(await again.exited, 0, 'arrêt propre sur SIGTERM');
    });
  });

  describe('with another SECRET_KEY than the one the data was encrypted with', () => {
    it('refuses to start with a message that says so, instead of a decryption stack', async () => {
      const dataDir = tempDir();
      const port = await freePort();
      const first = spawnPlatform({ DATA_DIR: dataDir, PORT: String(port), SECRET_KEY: KEY });
      try {
        await waitUntilReady(first, `http://127.0.0.1:${port}/health`);
      } finally {
        first.child.kill('SIGTERM');
        await first.exited;
      }
      const output = await failingStart({ DATA_DIR: dataDir, PORT: String(port), SECRET_KEY: 'z'.repeat(43) });
      assert.match(output, /ne peut pas être déchiffrée avec SECRET_KEY : SECRET_KEY a-t-elle changé/);
    });
  });

  describe(
    'on a PostgreSQL server',
    { skip: usesEmbeddedDatabase() && 'pas de serveur PostgreSQL pour ces tests' },
    () => {
      it('serves the home page and reports ready', async () => {
        const database = await createTestDatabase();
        const port = await freePort();
        const platform = spawnPlatform({
          DATA_DIR: tempDir(),
          PORT: String(port),
          SECRET_KEY: KEY,
          DATABASE_URL: database.url,
        });
        try {
          await waitUntilReady(platform, `http://127.0.0.1:${port}/health`);
          const home = await fetch(`http://127.0.0.1:${port}/`);
          assert.equal(home.status, 200);
          assert.match(await home.text(), /Un seul compte pour tous vos services en ligne/);
        } finally {
          platform.child.kill('SIGTERM');
          await platform.exited;
          await database.drop();
        }
      });

      it('in production, refuses to start while migrations are pending', async () => {
        const database = await createEmptyDatabase();
        try {
          const output = await failingStart({
            NODE_ENV: 'production',
            SMTP_URL: 'smtp://127.0.0.1:9',
            SECRET_KEY: KEY,
            DATABASE_URL: database.url,
            PORT: String(await freePort()),
          });
          assert.match(output, /des migrations sont en attente\. Appliquez-les avec `npm run cli -- migrate`/);
        } finally {
          await database.drop();
        }
      });
    },
  );
});
