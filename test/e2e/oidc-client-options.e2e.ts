import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { oidcCommands } from '../../src/modules/oidc';
import type { CliRuntime } from '../../src/platform/cli/cli-context';
import { HttpBrowser } from '../support/http-browser';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';
const SECRET = 'secret-du-site-de-test-assez-long-0123456789';

/** The pages of a sign-in from an authorization URL: identifier, password, consent; returns the redirect to the site. */
async function signInAt(url: URL, base: string, browser = new HttpBrowser()): Promise<URL> {
  let page = await browser.get(url.toString(), base);
  if (!page.location) {
    page = await browser.submit(page, /identifiant$/, { identifier: 'rose' }, base);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, base);
    if (!page.location) page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, base);
  }
  assert.ok(page.location, `${page.status} ${page.body.slice(0, 500)}`);
  return new URL(page.location);
}

describe('Relying-party options registered with the command line: sid, PAR, DPoP, private_key_jwt', () => {
  let app: TestApp;
  let receiver: Server;
  let receiverUrl: string;
  const received: string[] = [];
  const folder = mkdtempSync(join(tmpdir(), 'platform-jwks-'));

  /** `npm run cli -- clients:add …`, run in this test's application. */
  async function clientsAdd(...args: string[]): Promise<void> {
    const runtime: CliRuntime = {
      config: () => app.config,
      withApplication: (work) => work(app.app, undefined as never),
      withDataSource: (work) => work(app.dataSource),
      runningInstance: true,
    };
    const [add] = oidcCommands(runtime);
    const log = console.log;
    console.log = () => undefined;
    try {
      await add.parseAsync(args, { from: 'user' });
    } finally {
      console.log = log;
    }
  }

  const discover = (clientId: string, auth: client.ClientAuth = client.ClientSecretBasic(SECRET)) =>
    client.discovery(new URL(app.config.issuer), clientId, undefined, auth, {
      execute: [client.allowInsecureRequests],
    });

  const pkce = async () => {
    const verifier = client.randomPKCECodeVerifier();
    return {
      verifier,
      params: {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
    };
  };

  before(async () => {
    const port = await freePort();
    receiverUrl = `http://127.0.0.1:${port}/deconnexion`;
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    app = await startTestApp();
    await app.app
      .get(IdentityService)
      .createActiveAccount({ email: 'rose@example.fr', identifier: 'rose', password: PASSWORD });
  });
  after(async () => {
    await app.close();
    receiver.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('puts sid in the ID token and in the logout token of a back-channel client registered with the CLI', async () => {
    await clientsAdd(
      ...['--client-id', 'canal-arriere', '--client-secret', SECRET, '--redirect-uri', REDIRECT_URI],
      ...['--backchannel-logout-uri', receiverUrl, '--post-logout-redirect-uri', 'http://127.0.0.1:9/fin'],
    );
    const config = await discover('canal-arriere');
    const { verifier, params } = await pkce();
    const browser = new HttpBrowser();
    const callback = await signInAt(client.buildAuthorizationUrl(config, params), app.url, browser);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
    const sid = tokens.claims()!.sid;
    assert.equal(typeof sid, 'string', 'sid dans le jeton d’identité');

    const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! });
    await browser.submit(await browser.get(logout.toString(), app.url), /session\/end\/confirm$/, { logout: 'yes' });
    await app.app.get(OutboxWorker).deliverDue();
    assert.equal(received.length, 1);
    const { payload } = await jwtVerify(received[0], createRemoteJWKSet(new URL(`${app.url}/oidc/jwks`)), {
      issuer: app.config.issuer,
      audience: 'canal-arriere',
      typ: 'logout+jwt',
    });
    assert.equal(payload.sid, sid, 'le même sid dans le jeton de déconnexion');
  });

  it('requires pushed authorization requests of a client registered with --require-par', async () => {
    await clientsAdd('--client-id', 'par', '--client-secret', SECRET, '--redirect-uri', REDIRECT_URI, '--require-par');
    const config = await discover('par');
    const { verifier, params } = await pkce();

    const direct = await fetch(client.buildAuthorizationUrl(config, params), { redirect: 'manual' });
    const refusal = new URL(direct.headers.get('location') ?? 'http://x/', app.url);
    assert.ok(
      direct.status === 400 || refusal.searchParams.get('error') === 'invalid_request',
      `${direct.status} ${refusal.toString()}`,
    );

    const pushed = await client.buildAuthorizationUrlWithPAR(config, params);
    assert.match(pushed.searchParams.get('request_uri') ?? '', /^urn:ietf:params:oauth:request_uri:/);
    const callback = await signInAt(pushed, app.url);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
    assert.ok(tokens.id_token);
  });

  it('binds the access tokens of a client registered with --dpop to its key (RFC 9449)', async () => {
    await clientsAdd('--client-id', 'dpop', '--client-secret', SECRET, '--redirect-uri', REDIRECT_URI, '--dpop');
    const config = await discover('dpop');
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));

    // Without a proof, the token endpoint refuses the code exchange.
    const first = await pkce();
    const refusedCallback = await signInAt(client.buildAuthorizationUrl(config, first.params), app.url);
    await assert.rejects(
      client.authorizationCodeGrant(config, refusedCallback, { pkceCodeVerifier: first.verifier }),
      (error: { error?: string }) => ['invalid_grant', 'invalid_request', 'invalid_dpop_proof'].includes(error.error!),
    );

    const { verifier, params } = await pkce();
    const callback = await signInAt(client.buildAuthorizationUrl(config, params), app.url);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }, undefined, {
      DPoP,
    });
    assert.equal(tokens.token_type, 'dpop');
    const sub = tokens.claims()!.sub;
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub, { DPoP });
    assert.equal(userinfo.sub, sub);

    // The same token as a plain bearer token is refused.
    const bearer = await fetch(`${app.url}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(bearer.status, 401);
  });

  it('authenticates a client registered with --jwks by private_key_jwt, and refuses an assertion signed by another key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'cle-du-site', use: 'sig', alg: 'ES256' };
    const file = join(folder, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [jwk] }));
    await clientsAdd('--client-id', 'cles', '--redirect-uri', REDIRECT_URI, '--jwks', file);

    const config = await discover('cles', client.PrivateKeyJwt({ key: privateKey, kid: 'cle-du-site' }));
    const { verifier, params } = await pkce();
    const callback = await signInAt(client.buildAuthorizationUrl(config, params), app.url);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
    assert.ok(tokens.id_token);

    const other = await generateKeyPair('ES256', { extractable: true });
    const forged = await discover('cles', client.PrivateKeyJwt({ key: other.privateKey, kid: 'cle-du-site' }));
    const second = await pkce();
    const forgedCallback = await signInAt(client.buildAuthorizationUrl(forged, second.params), app.url);
    await assert.rejects(
      client.authorizationCodeGrant(forged, forgedCallback, { pkceCodeVerifier: second.verifier }),
      (error: { error?: string }) => error.error === 'invalid_client',
    );
  });

  it('refuses a --jwks file with a private key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const file = join(folder, 'prive.json');
    writeFileSync(file, JSON.stringify({ keys: [await exportJWK(privateKey)] }));
    await assert.rejects(
      clientsAdd('--client-id', 'prive', '--redirect-uri', REDIRECT_URI, '--jwks', file),
      /clé privée/,
    );
  });
});
