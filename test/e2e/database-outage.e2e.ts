import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { passwordCodeFlow } from '../support/code-flow';
import { HttpBrowser } from '../support/http-browser';
import { freePort } from '../support/ports';
import { findPostgresBinaries, startThrowawayCluster, type ThrowawayCluster } from '../support/postgres-cluster';
import { spawnPlatform, waitUntilReady, type PlatformProcess } from '../support/process';

const binaries = findPostgresBinaries();
const OUTAGE_PAGE = /Service momentanément indisponible, réessayez dans quelques instants/;
const SITE = {
  id: 'site-panne',
  secret: randomBytes(24).toString('base64url'),
  redirectUri: 'https://panne.exemple.fr/cb',
};
const ACCOUNT = { email: 'panne@exemple.fr', password: 'Panne-mot-2-passe-solide' };

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The platform when its PostgreSQL server goes away and comes back: on a server of its own (a throw-away cluster
 * stopped and restarted under light traffic), never the shared test cluster.
 */
describe('Database outage', { skip: binaries ? false : 'serveur PostgreSQL absent' }, () => {
  let cluster: ThrowawayCluster;
  let platform: PlatformProcess;
  let url: string;
  let config: client.Configuration;
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-outage-'));

  before(async () => {
    cluster = await startThrowawayCluster(binaries!);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PUBLIC_URL: url,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: cluster.adminUrl,
      SECRET_KEY: 'o'.repeat(43),
    };
    for (const args of [
      ['migrate'],
      ['clients:add', '--client-id', SITE.id, '--client-secret', SITE.secret, '--redirect-uri', SITE.redirectUri],
      ['users:add', '--email', ACCOUNT.email, '--password', ACCOUNT.password],
    ]) {
      const cli = spawnPlatform(env, 'dist/src/platform/cli/cli.js', args);
      assert.equal(await cli.exited, 0, cli.output());
    }
    platform = spawnPlatform(env);
    await waitUntilReady(platform, `${url}/health`);
    config = await client.discovery(new URL(`${url}/oidc`), SITE.id, SITE.secret, undefined, {
      execute: [client.allowInsecureRequests],
    });
  });

  after(async () => {
    platform?.child.kill('SIGTERM');
    await platform?.exited;
    cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with the French page while it is down, then signs people in again without a restart', async () => {
    // A sign-in page opened before the outage, whose form is posted during it.
    const browser = new HttpBrowser();
    const authorize = client.buildAuthorizationUrl(config, {
      redirect_uri: SITE.redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const signInPage = await browser.get(authorize.toString(), url);
    assert.equal(signInPage.status, 200);
    const logStart = platform.output().length;

    cluster.pause();
    const statuses: Record<string, number[]> = { page: [], provider: [], token: [], health: [], form: [] };
    const bodies: string[] = [];
    for (let round = 0; round < 12; round++) {
      const page = await fetch(`${url}/compte`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      statuses.page.push(page.status);
      const provider = await fetch(authorize, { headers: { accept: 'text/html' }, redirect: 'manual' });
      statuses.provider.push(provider.status);
      if (provider.status === 503) bodies.push(await provider.text());
      const token = await fetch(`${url}/oidc/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${SITE.id}:${SITE.secret}`).toString('base64')}` },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'x'.repeat(43),
          redirect_uri: SITE.redirectUri,
        }),
      });
      statuses.token.push(token.status);
      if (token.status === 503) assert.equal(((await token.json()) as { error: string }).error, 'server_error');
      statuses.health.push((await fetch(`${url}/health`)).status);
      await delay(250);
    }
    const form = await browser.submit(signInPage, /identifiant$/, { identifier: ACCOUNT.email }, url);
    statuses.form.push(form.status);

    for (const [what, list] of Object.entries(statuses)) {
      assert.ok(!list.includes(500), `${what} : ${list.join(' ')}`);
    }
    assert.ok(statuses.provider.includes(503), statuses.provider.join(' '));
    assert.ok(statuses.token.includes(503), statuses.token.join(' '));
    assert.ok(
      statuses.health.every((s) => s === 503),
      statuses.health.join(' '),
    );
    assert.equal(form.status, 503, form.body.slice(0, 500));
    assert.match(form.body, OUTAGE_PAGE);
    assert.doesNotMatch(form.body, /Requête incorrecte/);
    assert.ok(bodies.some((body) => OUTAGE_PAGE.test(body)));

    cluster.resume();
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${url}/health`)).status !== 200) {
      assert.ok(Date.now() < deadline, 'la plateforme ne retrouve pas la base');
      await delay(250);
    }
    const { tokens, page } = await passwordCodeFlow(config, url, {
      identifier: ACCOUNT.email,
      password: ACCOUNT.password,
      redirectUri: SITE.redirectUri,
    });
    assert.ok(tokens?.id_token, `${page.status} ${page.body.slice(0, 500)}`);

    // The outbox worker says once that the database went away, and once that it is back (it polls 4 times a second).
    await delay(2500);
    const lines = platform
      .output()
      .slice(logStart)
      .split('\n')
      .filter((line) => line.trim());
    const worker = lines.filter((line) => line.includes('envoi de la file'));
    assert.equal(worker.filter((line) => line.includes('injoignable')).length, 1, worker.join('\n'));
    assert.equal(worker.filter((line) => line.includes('de nouveau joignable')).length, 1, worker.join('\n'));
    // Apart from one access line per request, a handful of lines for the whole outage.
    const others = lines.filter((line) => !line.includes('"req":'));
    assert.ok(others.length <= 10, others.join('\n'));
    assert.doesNotMatch(lines.join('\n'), /"stack"/);
  });
});
