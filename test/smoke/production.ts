/**
 * Production smoke test, run by `.ci/run` on an install built as `docker/Dockerfile` builds the image (dev dependencies
 * pruned, `dist/src/dev` removed):
 *
 *   node dist/test/smoke/production.js <folder of the pruned install>
 *
 * Against a throw-away PostgreSQL cluster, it runs the pruned install's command line (`migrate`, `clients:add`,
 * `users:add`), starts its `dist/src/main.js` with `NODE_ENV=production`, and completes one authorization-code sign-in
 * over HTTP. Only the pruned install's code runs in the platform's processes: a run-time package missing from
 * `dependencies` makes a step fail. This script itself runs from the full install (it uses the test support).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as client from 'openid-client';
import { passwordCodeFlow } from '../support/code-flow';
import { freePort } from '../support/ports';
import { findPostgresBinaries, startThrowawayCluster } from '../support/postgres-cluster';
import { startSmtpServer } from '../support/smtp';

const SMOKE_CLIENT = { id: 'site-essai-production', secret: randomBytes(24).toString('base64url') };
const SMOKE_ACCOUNT = { email: 'essai.production@exemple.fr', password: randomBytes(18).toString('base64url') };

async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? '');
  if (!existsSync(join(folder, 'dist', 'src', 'main.js'))) {
    throw new Error(`Installation de production introuvable : ${folder}/dist/src/main.js`);
  }
  // (Not `typescript`: i18next names it as an optional peer, and npm keeps a present optional peer of a production
  // dependency after the prune.)
  if (existsSync(join(folder, 'node_modules', 'eslint'))) {
    throw new Error('L’installation donnée contient encore les dépendances de développement (npm prune --omit=dev).');
  }
  const binaries = findPostgresBinaries();
  if (!binaries)
    throw new Error('Serveur PostgreSQL absent : le test de production en a besoin (apt-get install postgresql).');

  const cluster = await startThrowawayCluster(binaries);
  const smtp = await startSmtpServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-smoke-data-'));
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: publicUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: cluster.adminUrl,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    SMTP_URL: smtp.url,
  };
  const run = (script: string, args: string[] = []) => {
    const child = spawn(process.execPath, [join(folder, script), ...args], {
      cwd: folder,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    return { child, exited, output: () => output };
  };
  const cli = async (...args: string[]) => {
    const command = run('dist/src/platform/cli/cli.js', args);
    const code = await command.exited;
    if (code !== 0) throw new Error(`cli ${args[0]} : code ${code}\n${command.output()}`);
    console.log(`cli ${args[0]} : ${command.output().trim().split('\n')[0]}`);
  };

  let platform: ReturnType<typeof run> | undefined;
  try {
    await cli('migrate');
    await cli(
      'clients:add',
      '--client-id',
      SMOKE_CLIENT.id,
      '--client-secret',
      SMOKE_CLIENT.secret,
      '--redirect-uri',
      'https://site.exemple.fr/retour',
      '--name',
      'Site d’essai',
    );
    await cli('users:add', '--email', SMOKE_ACCOUNT.email, '--password', SMOKE_ACCOUNT.password);

    platform = run('dist/src/main.js');
    await waitForHealth(publicUrl, platform);
    console.log(`Plateforme de production démarrée sur ${publicUrl}`);

    const configuration = await client.discovery(
      new URL(`${publicUrl}/oidc`),
      SMOKE_CLIENT.id,
      SMOKE_CLIENT.secret,
      undefined,
      { execute: [client.allowInsecureRequests] },
    );
    const { page, tokens } = await passwordCodeFlow(configuration, publicUrl, {
      identifier: SMOKE_ACCOUNT.email,
      password: SMOKE_ACCOUNT.password,
      redirectUri: 'https://site.exemple.fr/retour',
    });
    if (!tokens?.id_token) {
      throw new Error(`Connexion non aboutie (${page.status} ${page.url}) :\n${page.body.slice(0, 1500)}`);
    }
    const claims = tokens.claims();
    if (!claims?.sub) throw new Error('Jeton d’identité sans « sub »');
    console.log(`Connexion par code d’autorisation réussie (sub ${claims.sub}).`);

    platform.child.kill('SIGTERM');
    const code = await Promise.race([platform.exited, delay(10_000).then(() => 'trop long')]);
    if (code !== 0) throw new Error(`Arrêt sur SIGTERM : ${String(code)}\n${platform.output()}`);
    platform = undefined;
  } catch (error) {
    if (platform) console.error(`Journal de la plateforme :\n${platform.output()}`);
    throw error;
  } finally {
    if (platform && platform.child.exitCode === null) platform.child.kill('SIGKILL');
    await smtp.stop();
    cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitForHealth(url: string, platform: { exited: Promise<unknown>; output(): string }): Promise<void> {
  let exited = false;
  void platform.exited.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`La plateforme s’est arrêtée au démarrage :\n${platform.output()}`);
    const status = await fetch(`${url}/health`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    await delay(200);
  }
  throw new Error(`La plateforme ne répond pas sur /health après 60 s :\n${platform.output()}`);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().then(
  () => {
    console.log('Test de production : réussi.');
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`Test de production : ÉCHEC\n${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  },
);
