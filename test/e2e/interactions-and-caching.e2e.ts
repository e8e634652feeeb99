import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService, THROTTLE_RULES } from '../../src/modules/identity';
import { ClientRegistry, INTERACTION_TTL, InteractionLifetime, OidcProviderService } from '../../src/modules/oidc';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';

describe('Interactions and caching', () => {
  let app: TestApp;
  let config: client.Configuration;
  before(async () => {
    app = await startTestApp();
    await app.app
      .get(IdentityService)
      .createActiveAccount({ email: 'ines@example.fr', identifier: 'ines', password: PASSWORD });
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site', redirect_uris: [REDIRECT_URI] }, (m) => oidc.validateClient(m));
    config = await client.discovery(
      new URL(app.config.issuer),
      'site',
      undefined,
      client.ClientSecretBasic(clientSecret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
  });
  after(async () => app.close());

  const authorizationUrl = async () =>
    client
      .buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      })
      .toString();

  /** Seconds left to the interaction `uid`. */
  const secondsLeft = async (uid: string) => {
    const [row] = await app.dataSource.query<Array<{ left: number }>>(
      `SELECT extract(epoch FROM expires_at - now())::int AS left FROM oidc_payload WHERE model = 'Interaction' AND id = $1`,
      [uid],
    );
    return row?.left;
  };

  it('keeps an interaction that never reaches a page for two minutes only, and purges it once expired', async () => {
    const res = await fetch(await authorizationUrl(), { redirect: 'manual' });
    assert.equal(res.status, 303);
    const uid = /\/interaction\/([^/?#]+)/.exec(res.headers.get('location')!)![1];
    const left = await secondsLeft(uid);
    assert.ok(left !== undefined && left <= INTERACTION_TTL.unused && left > 0, `reste ${left} s`);

    await app.dataSource.query(
      `UPDATE oidc_payload SET expires_at = now() - interval '1 second' WHERE model = 'Interaction' AND id = $1`,
      [uid],
    );
    await app.app.get(InteractionLifetime).purgeExpired();
    assert.equal(await secondsLeft(uid), undefined);
  });

  it('gives an interaction an hour once its first page is shown, cookies included, and the sign-in completes', async () => {
    const browser = new HttpBrowser();
    const page = await browser.get(await authorizationUrl(), app.url);
    assert.equal(page.status, 200);
    const uid = /\/interaction\/([^/?#]+)/.exec(page.url)![1];
    const left = await secondsLeft(uid);
    assert.ok(left !== undefined && left > INTERACTION_TTL.used - 60, `reste ${left} s`);
    const again = await fetch(`${app.url}/interaction/${uid}`, {
      headers: { cookie: browser.cookieHeaderFor(app.url), accept: 'text/html' },
    });
    assert.equal(again.status, 200);
    const identifier = await browser.submit(page, /identifiant$/, { identifier: 'ines' }, app.url);
    const consent = await browser.submit(identifier, /mot-de-passe$/, { password: PASSWORD }, app.url);
    const done = await browser.submit(consent, /consentement$/, { decision: 'autoriser' }, app.url);
    assert.ok(done.location?.startsWith(REDIRECT_URI), `${done.status} ${done.body.slice(0, 300)}`);
  });

  it('extends an interaction once only: shown again near its end, it is not given another hour', async () => {
    const browser = new HttpBrowser();
    const page = await browser.get(await authorizationUrl(), app.url);
    const uid = /\/interaction\/([^/?#]+)/.exec(page.url)![1];
    // Fifty-nine minutes later: a minute is left.
    await app.dataSource.query(
      `UPDATE oidc_payload SET expires_at = now() + interval '60 seconds',
         payload = payload || jsonb_build_object('iat', extract(epoch FROM now())::int - 3540,
                                                 'exp', extract(epoch FROM now())::int + 60)
       WHERE model = 'Interaction' AND id = $1`,
      [uid],
    );
    const again = await fetch(`${app.url}/interaction/${uid}`, {
      headers: { cookie: browser.cookieHeaderFor(app.url), accept: 'text/html' },
    });
    assert.equal(again.status, 200);
    const left = await secondsLeft(uid);
    assert.ok(left !== undefined && left <= 60, `reste ${left} s`);
  });

  it('extends the provider’s interaction cookies with the interaction', async () => {
    const res = await fetch(await authorizationUrl(), { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!, app.url).toString();
    const cookies = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const shown = await fetch(location, { headers: { cookie: cookies, accept: 'text/html' } });
    assert.equal(shown.status, 200);
    const set = shown.headers.getSetCookie().filter((c) => /^_interaction(_resume)?(\.sig)?=/.test(c));
    assert.ok(set.length >= 2, set.join('\n'));
    for (const cookie of set) {
      const expires = Date.parse(/expires=([^;]+)/i.exec(cookie)![1]);
      assert.ok(expires - Date.now() > (INTERACTION_TTL.used - 60) * 1000, cookie);
    }
  });

  it('caps the interactions stored for one address, with a French 429 page', async () => {
    const started = Date.now();
    const statuses: number[] = [];
    for (let batch = 0; batch * 100 < THROTTLE_RULES.interaction.free + 50; batch++) {
      const url = await authorizationUrl();
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 100 }, async () => (await fetch(url, { redirect: 'manual' })).status),
        )),
      );
    }
    const refused = await fetch(await authorizationUrl(), { redirect: 'manual', headers: { accept: 'text/html' } });
    assert.equal(refused.status, 429);
    assert.match(await refused.text(), /Trop de tentatives\. Réessayez dans/);
    const stored = statuses.filter((s) => s === 303).length;
    assert.ok(
      stored >= THROTTLE_RULES.interaction.free - 100 && stored <= THROTTLE_RULES.interaction.free + 100,
      `${stored}`,
    );
    console.log(
      `${statuses.length} demandes d’autorisation en ${((Date.now() - started) / 1000).toFixed(1)} s, ${stored} interactions`,
    );
    await app.dataSource.query(`DELETE FROM sign_in_throttle WHERE key LIKE 'interaction:%'`);
  });

  it('sends pages with personal data with Cache-Control: no-store', async () => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'ines' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.match(page.body, /<h1>Mon compte<\/h1>/);
    for (const path of [
      '/compte',
      '/compte/profil',
      '/compte/securite',
      '/compte/donnees',
      '/mot-de-passe-oublie',
      '/inscription',
    ]) {
      const res = await browser.download(`${app.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('cache-control') ?? '', /no-store/, path);
    }
    // An invitation link's page names the person invited, whatever its answer.
    const invitation = await fetch(`${app.url}/invitation/${'a'.repeat(43)}`);
    assert.match(invitation.headers.get('cache-control') ?? '', /no-store/, '/invitation');
    const home = await fetch(`${app.url}/`);
    assert.doesNotMatch(home.headers.get('cache-control') ?? '', /no-store/);
  });
});
