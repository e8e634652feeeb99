import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliSocketPath } from '../../src/platform/cli/cli-socket';
import { freePort } from '../support/ports';
import { spawnPlatform, waitUntilReady, type PlatformProcess } from '../support/process';

const KEY = 'c'.repeat(43);
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const tempDir = () => mkdtempSync(join(tmpdir(), 'platform-cli-'));

/** Runs `npm run cli -- <args>` as the operator does (the compiled program), on `dataDir`'s embedded database. */
async function cli(dataDir: string, ...args: string[]): Promise<{ code: number | null; output: string }> {
  const command = spawnPlatform(
    { DATA_DIR: dataDir, SECRET_KEY: KEY, NODE_ENV: 'test' },
    'dist/src/platform/cli/cli.js',
    args,
  );
  const code = await command.exited;
  return { code, output: command.output() };
}

/** A refusal as the operator must see it: exit code 1, one line of French, no stack. */
function assertRefusal(result: { code: number | null; output: string }, message: RegExp): void {
  assert.equal(result.code, 1, result.output);
  assert.doesNotMatch(result.output, STACK_LINE, 'aucune pile d’appels');
  assert.equal(result.output.trim().split('\n').length, 1, result.output);
  assert.match(result.output, message);
}

describe('Command line (cli.ts)', () => {
  describe('with nothing running on a new DATA_DIR', () => {
    it('creates an account as the first command ever run (migrations applied first), then a client', async () => {
      const dataDir = tempDir();
      const user = await cli(
        dataDir,
        'users:add',
        '--email',
        'premiere@exemple.fr',
        '--password',
        'Premier-mot-2-passe',
      );
      assert.equal(user.code, 0, user.output);
      assert.match(user.output, /Compte créé : .+ \(identifiant « premiere », premiere@exemple\.fr\)/);

      const fresh = tempDir();
      const client = await cli(
        fresh,
        'clients:add',
        '--client-id',
        'site-premier',
        '--redirect-uri',
        'https://a.fr/cb',
      );
      assert.equal(client.code, 0, client.output);
      assert.match(client.output, /Client enregistré : site-premier/);
      assert.match(client.output, /Secret \(affiché une seule fois/);
    });

    it('answers bad input with one French line and exit code 1', async () => {
      const dataDir = tempDir();
      assertRefusal(
        await cli(dataDir, 'clients:add', '--client-id', 'x'.repeat(5000), '--redirect-uri', 'https://a.fr/cb'),
        /^Erreur : valeur trop longue \(--client-id\) : 5000 caractères/,
      );
      assertRefusal(await cli(dataDir, 'outbox:retry', 'not-a-uuid'), /Identifiant de message invalide « not-a-uuid »/);
      assertRefusal(
        await cli(
          dataDir,
          'users:add',
          '--email',
          'a@exemple.fr',
          '--password',
          'Mot-2-passe-long',
          '--given-name',
          'Jo\u0007e',
        ),
        /Erreur : caractère de contrôle interdit .*\(--given-name\)/,
      );
      assertRefusal(
        await cli(
          dataDir,
          'clients:add',
          '--name',
          'Site\nsur deux lignes',
          '--client-id',
          'a',
          '--redirect-uri',
          'https://a.fr/cb',
        ),
        /Erreur : caractère de contrôle interdit .*\(--name\)/,
      );
      const missing = await cli(dataDir, 'clients:add');
      assert.equal(missing.code, 1);
      assert.match(missing.output, /Erreur : option obligatoire manquante « --client-id <id> »/);
    });
  });

  describe('while the platform runs on the same embedded DATA_DIR', () => {
    const dataDir = tempDir();
    let platform: PlatformProcess;
    let url: string;

    before(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      platform = spawnPlatform({
        DATA_DIR: dataDir,
        PORT: String(port),
        SECRET_KEY: KEY,
        NODE_ENV: 'test',
        PUBLIC_URL: url,
      });
      await waitUntilReady(platform, `${url}/health`);
    });

    after(async () => {
      platform.child.kill('SIGTERM');
      await platform.exited;
    });

    it('listens on a socket in DATA_DIR that only its owner may use', () => {
      assert.equal(statSync(cliSocketPath(dataDir)).mode & 0o777, 0o600);
    });

    it('carries out clients:add, users:add, mail:test, outbox:list and keys:rotate', async () => {
      const client = await cli(
        dataDir,
        'clients:add',
        '--client-id',
        'site-pendant',
        '--redirect-uri',
        'https://b.fr/cb',
      );
      assert.equal(client.code, 0, client.output);
      assert.match(client.output, /^Client enregistré : site-pendant$/m);

      const user = await cli(
        dataDir,
        'users:add',
        '--email',
        'pendant@exemple.fr',
        '--password',
        'Pendant-mot-2-passe',
      );
      assert.equal(user.code, 0, user.output);
      assert.match(user.output, /Compte créé : .+ \(identifiant « pendant »/);

      const mail = await cli(dataDir, 'mail:test', '--to', 'pendant@exemple.fr');
      assert.equal(mail.code, 0, mail.output);
      const id = /mis dans la file : ([0-9a-f-]{36})/.exec(mail.output)?.[1];
      assert.ok(id, mail.output);

      const list = await cli(dataDir, 'outbox:list');
      assert.equal(list.code, 0, list.output);
      assert.match(list.output, new RegExp(`^${id}\\s+\\w+\\s+email\\s+test-email`, 'm'));

      const rotate = await cli(dataDir, 'keys:rotate');
      assert.equal(rotate.code, 0, rotate.output);
      assert.equal((rotate.output.match(/^Nouvelle clé (RS256|ES256|EdDSA) /gm) ?? []).length, 3, rotate.output);

      // The running instance sees what the commands did: the new client is known to its provider.
      const clients = await cli(dataDir, 'clients:list');
      assert.match(clients.output, /^site-pendant\s/m);
      const jwks = (await (await fetch(`${url}/oidc/jwks`)).json()) as { keys: unknown[] };
      assert.ok(jwks.keys.length >= 3);
    });

    it('gives the same refusals and exit codes as when it runs alone', async () => {
      assertRefusal(await cli(dataDir, 'outbox:retry', 'not-a-uuid'), /Identifiant de message invalide/);
      assertRefusal(
        await cli(dataDir, 'clients:add', '--client-id', 'x'.repeat(5000), '--redirect-uri', 'https://a.fr/cb'),
        /valeur trop longue/,
      );
      assertRefusal(await cli(dataDir, 'migrate:revert'), /La plateforme est en marche sur ce dossier de données/);
      const unknown = await cli(dataDir, 'n-existe-pas');
      assert.equal(unknown.code, 1);
      assert.match(unknown.output, /Erreur : commande inconnue « n-existe-pas »/);
      const help = await cli(dataDir, '--help');
      assert.equal(help.code, 0);
      assert.match(help.output, /clients:add/);
    });
  });
});
