import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FranceConnectStandIn, Misbehaviour } from '../../src/dev/franceconnect-stand-in';
import { startAppWithFranceConnect } from '../support/franceconnect';
import { HttpBrowser } from '../support/http-browser';
import type { TestApp } from '../support/test-app';
import { HealthRegistry } from '../../src/platform/health/health-registry';

const CLIENT_ID = 'plateforme-test';

/**
 * The platform as FranceConnect's client, against the stand-in: the requests it sends pass FC's strict checks, and
 * every answer that fails a check (nonce, audience, keys, level, subject, issuer) or an FC error ends on a French page,
 * with the cause in the audit trail and no account created or linked.
 */
describe('FranceConnect client', () => {
  let standIn: FranceConnectStandIn;
  let app: TestApp;
  let clientSecret: string;

  before(async () => {
    ({ standIn, app, clientSecret } = await startAppWithFranceConnect(CLIENT_ID));
  });
  after(async () => {
    await app?.close();
    await standIn?.close();
  });

  const fcOrigin = () => new URL(standIn.issuer).origin;
  const counts = async () => {
    const [row] = await app.dataSource.query<Array<{ accounts: number; links: number }>>(
      `SELECT (SELECT count(*)::int FROM account) AS accounts,
              (SELECT count(*)::int FROM franceconnect_identity) AS links`,
    );
    return row;
  };
  const lastFailure = async () => {
    const rows = await app.dataSource.query<Array<{ details: { reason: string; detail: string } }>>(
      `SELECT details FROM audit_event WHERE action = 'franceconnect.sign_in.failed' ORDER BY id DESC LIMIT 1`,
    );
    return rows[0]?.details;
  };

  /** From the account space's sign-in to FC's identity choice, then back to the platform: the page it ends on. */
  const throughFranceConnect = async (browser: HttpBrowser, identity: string, misbehaviour?: Misbehaviour) => {
    const signInPage = await browser.get(`${app.url}/compte/connexion`, app.url);
    assert.match(signInPage.url, /\/interaction\/[\w-]+$/);
    assert.match(signInPage.body, /class="fr-connect"/);
    if (misbehaviour) standIn.misbehaveNext(misbehaviour);
    const toFc = await browser.get(`${signInPage.url}/franceconnect`, app.url);
    assert.ok(toFc.location?.startsWith(`${standIn.issuer}/authorize?`), `vers FC : ${toFc.location}`);
    let atFc = await browser.get(toFc.location!, fcOrigin());
    if (atFc.location) return browser.get(atFc.location, app.url);
    assert.equal(atFc.status, 200, atFc.body);
    atFc = await browser.submit(atFc, /interaction$/, { identity }, fcOrigin());
    return browser.get(atFc.location!, app.url);
  };

  it('sends only the parameters FC accepts, with long random state and nonce, and no PKCE', async () => {
    const browser = new HttpBrowser();
    const page = await throughFranceConnect(browser, 'angela');
    assert.match(page.url, /\/franceconnect\/suite$/);
    assert.match(page.body, /Première connexion avec FranceConnect/);
    assert.match(page.body, /Angela Claire Louise DUBOIS/);

    const authorize = standIn.requests.findLast((r) => r.endpoint === 'authorize')!;
    assert.equal(authorize.outcome, 'ok');
    assert.deepEqual(Object.keys(authorize.params).sort(), [
      'acr_values',
      'client_id',
      'nonce',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
    ]);
    assert.equal(authorize.params.acr_values, 'eidas1');
    assert.ok(authorize.params.state.length >= 32 && authorize.params.nonce.length >= 32);
    assert.match(authorize.params.state, /^[\w-]+$/);
    const token = standIn.requests.findLast((r) => r.endpoint === 'token')!;
    assert.equal(token.outcome, 'ok');
    assert.equal(token.headers.authorization, undefined, 'client_secret_post : pas d’authentification Basic');
    assert.equal(token.params.client_secret, clientSecret);
    assert.equal(token.params.code_verifier, undefined);
    assert.equal(standIn.requests.findLast((r) => r.endpoint === 'userinfo')?.outcome, 'ok');

    // A second attempt gets new secrets.
    await throughFranceConnect(new HttpBrowser(), 'angela');
    const attempts = standIn.requests.filter((r) => r.endpoint === 'authorize');
    assert.notEqual(attempts.at(-1)!.params.state, attempts.at(-2)!.params.state);
    assert.notEqual(attempts.at(-1)!.params.nonce, attempts.at(-2)!.params.nonce);
  });

  it('is refused by the stand-in when a request carries PKCE, an unknown parameter or Basic authentication', async () => {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${app.url}/franceconnect/callback`,
      scope: 'openid given_name',
      state: 'x'.repeat(32),
      nonce: 'y'.repeat(32),
      acr_values: 'eidas1',
    });
    assert.equal((await fetch(`${standIn.issuer}/authorize?${params.toString()}`)).status, 200);
    for (const [name, value] of [
      ['code_challenge', 'abc'],
      ['login_hint', 'angela'],
      ['response_mode', 'query'],
    ]) {
      const refused = await fetch(`${standIn.issuer}/authorize?${params.toString()}&${name}=${value}`);
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), /Y030007/);
    }
    const shortNonce = new URLSearchParams(params);
    shortNonce.set('nonce', 'court');
    assert.equal((await fetch(`${standIn.issuer}/authorize?${shortNonce.toString()}`)).status, 400);
    const basic = await fetch(`${standIn.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=authorization_code&code=x&redirect_uri=x',
    });
    assert.equal(basic.status, 401);
  });

  const fcHealth = () =>
    app.app
      .get(HealthRegistry)
      .snapshot()
      .find((h) => h.component === 'franceconnect')!;

  const misbehaviours: Array<[Misbehaviour, RegExp, string]> = [
    ['wrong_nonce', /ne correspondent pas à votre demande de connexion/, 'claims'],
    ['wrong_audience', /ne correspondent pas à votre demande de connexion/, 'claims'],
    ['unknown_key_id_token', /La signature des informations reçues de FranceConnect/, 'signature'],
    ['unknown_key_userinfo', /La signature des informations reçues de FranceConnect/, 'signature'],
    ['acr_too_low', /niveau de sécurité/, 'acr'],
    ['userinfo_other_sub', /ne correspondent pas à votre demande de connexion/, 'claims'],
    ['token_http_500', /a répondu par une erreur technique/, 'fc_status'],
    ['userinfo_http_500', /a répondu par une erreur technique/, 'fc_status'],
    ['token_unreachable', /FranceConnect ne répond pas/, 'unreachable'],
    ['wrong_issuer_callback', /ne vient pas de FranceConnect/, 'issuer'],
    ['access_denied', /Vous avez annulé la connexion/, 'access_denied'],
    ['server_error', /difficulté momentanée/, 'server_error'],
  ];
  for (const [misbehaviour, message, reason] of misbehaviours) {
    it(`refuses the sign-in when FC answers with ${misbehaviour}, and creates or links nothing`, async () => {
      const before = await counts();
      const healthBefore = fcHealth();
      const browser = new HttpBrowser();
      const page = await throughFranceConnect(browser, 'jean-pierre', misbehaviour);
      assert.match(page.url, /\/franceconnect\/erreur\?motif=/);
      assert.match(page.body, /Connexion avec FranceConnect impossible/);
      assert.match(page.body, message);
      assert.match(page.body, /Me connecter avec mon identifiant et mon mot de passe/);
      assert.match(page.body, /class="fr-connect"/, 'réessayer');
      assert.equal((await lastFailure())?.reason, reason);
      // The console's health registry: FC's own failures are recorded, the person's own doing is not.
      const health = fcHealth();
      if (['access_denied', 'issuer'].includes(reason)) assert.equal(health.lastErrorAt, healthBefore.lastErrorAt);
      else {
        assert.notEqual(health.lastErrorAt, healthBefore.lastErrorAt, 'a new error recorded');
        assert.match(health.lastError ?? '', new RegExp(reason));
      }
      // The result of the attempt is not there to be used: the next step is refused as expired.
      const next = await browser.get(page.url.replace(/erreur\?motif=.*$/, 'suite'), app.url);
      assert.match(next.body, /a expiré/);
      assert.deepEqual(await counts(), before);
    });
  }

  it('refuses a callback replayed or from another browser (state)', async () => {
    const browser = new HttpBrowser();
    const signInPage = await browser.get(`${app.url}/compte/connexion`, app.url);
    const toFc = await browser.get(`${signInPage.url}/franceconnect`, app.url);
    let atFc = await browser.get(toFc.location!, fcOrigin());
    atFc = await browser.submit(atFc, /interaction$/, { identity: 'carmen' }, fcOrigin());
    // Another browser, without this attempt's cookie.
    const elsewhere = await new HttpBrowser().get(atFc.location!, app.url);
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.body, /a expiré/);
    // The same browser with a forged state.
    const forged = new URL(atFc.location!);
    forged.searchParams.set('state', 'z'.repeat(43));
    const page = await browser.get(forged.toString(), app.url);
    assert.match(page.body, /ne correspond pas à votre demande/);
    assert.equal((await lastFailure())?.reason, 'state');
  });

  it('links by sub only: an account with the same e-mail as FC is neither used nor merged', async () => {
    const browser = new HttpBrowser();
    const successBefore = fcHealth().lastSuccessAt;
    let page = await throughFranceConnect(browser, 'carmen');
    assert.ok(fcHealth().lastSuccessAt && fcHealth().lastSuccessAt !== successBefore, 'FC’s success recorded');
    page = await browser.get(`${page.url.replace(/suite$/, 'inscription')}`, app.url);
    assert.match(page.body, /value="carmen.garcia@exemple.fr"/);
    assert.match(page.body, /à l’étranger|GARCIA LÓPEZ/);
    page = await browser.submit(
      page,
      /franceconnect\/inscription$/,
      { email: 'carmen.garcia@exemple.fr', acceptTerms: 'oui', acceptPrivacy: 'oui' },
      app.url,
    );
    assert.match(
      page.url,
      /\/compte$/,
      [...page.body.matchAll(/fr-error-text[^>]*>([^<]+)/g)].map((m) => m[1]).join(' | '),
    );
    const [account] = await app.dataSource.query<
      Array<{ id: string; status: string; email_verified: boolean; password_hash: string | null; given_name: string }>
    >(
      `SELECT id, status, email_verified, password_hash, given_name FROM account WHERE email = 'carmen.garcia@exemple.fr'`,
    );
    assert.equal(account.status, 'active');
    assert.equal(account.email_verified, true);
    assert.equal(account.password_hash, null);
    assert.equal(account.given_name, 'Carmen');

    // Someone else whose FC e-mail is that same address cannot reach that account: a new sign-in with another
    // identity asks again (first sign-in), and registering with the address is refused.
    const other = new HttpBrowser();
    let otherPage = await throughFranceConnect(other, 'angela');
    otherPage = await other.get(otherPage.url.replace(/suite$/, 'inscription'), app.url);
    otherPage = await other.submit(
      otherPage,
      /franceconnect\/inscription$/,
      { email: 'carmen.garcia@exemple.fr', acceptTerms: 'oui', acceptPrivacy: 'oui' },
      app.url,
    );
    assert.equal(otherPage.status, 400);
    assert.match(otherPage.body, /déjà celle d’un autre compte/);
  });

  it('chains the logout through FC’s session/end only when the session ends, and checks the state on return', async () => {
    // Carmen's identity is linked (test above): her FC sign-in opens the account space directly.
    const browser = new HttpBrowser();
    const home = await throughFranceConnect(browser, 'carmen');
    assert.match(home.url, /\/compte$/);
    const signOut = async () => {
      const account = await browser.get(`${app.url}/compte`, app.url);
      return browser.submit(account, /\/compte\/deconnexion$/, {}, app.url);
    };

    // « Rester connecté »: the platform's session stays, and so does FC's.
    let logoutPage = await signOut();
    let answer = await browser.submit(logoutPage, /session\/end\/confirm$/, {}, app.url);
    assert.ok(!answer.location?.startsWith(standIn.issuer), `pas de déconnexion FC : ${answer.location}`);

    // « Se déconnecter »: through FC, then the platform's own end. (The provider's session stayed: the account space
    // signs in again without a page.)
    assert.match((await browser.get(`${app.url}/compte/connexion`, app.url)).url, /\/compte$/);
    logoutPage = await signOut();
    answer = await browser.submit(logoutPage, /session\/end\/confirm$/, { logout: 'yes' }, app.url);
    assert.ok(answer.location?.startsWith(`${standIn.issuer}/session/end?`), `vers FC : ${answer.location}`);
    const sent = new URL(answer.location!);
    assert.deepEqual([...sent.searchParams.keys()].sort(), ['id_token_hint', 'post_logout_redirect_uri', 'state']);
    const back = await browser.get(answer.location!, fcOrigin());
    assert.ok(back.location?.startsWith(`${app.url}/franceconnect/logout-callback?state=`));
    const done = await browser.get(back.location!, app.url);
    assert.match(done.url, /\/compte\/deconnexion\/terminee$/);
    assert.match(done.body, /Vous êtes déconnecté/);
    // Signed out at the platform: the account space asks to sign in again.
    const again = await browser.get(`${app.url}/compte`, app.url);
    assert.match(again.url, /\/interaction\//);

    // A return from FC with another state (or none kept) is not trusted, and says so.
    const forged = await browser.get(`${app.url}/franceconnect/logout-callback?state=autre`, app.url);
    assert.match(forged.body, /la déconnexion de FranceConnect n’a pas pu être confirmée/);
  });

  it('fetches FC’s keys again when a signature fails, so a key changed under the same kid works at the next sign-in', async () => {
    // A first sign-in caches FC's keys; then FC signs with a new key published under the same kid.
    const first = await throughFranceConnect(new HttpBrowser(), 'angela');
    assert.match(first.url, /\/franceconnect\/suite$/);
    await standIn.changeKeyKeepingKid();
    const next = await throughFranceConnect(new HttpBrowser(), 'angela');
    assert.match(next.url, /\/franceconnect\/suite$/, next.body.slice(0, 500));
  });

  it('ends the logout at the platform’s « Vous êtes déconnecté » page, without FC’s session/end, once FC’s session has expired', async () => {
    const browser = new HttpBrowser();
    const home = await throughFranceConnect(browser, 'carmen');
    assert.match(home.url, /\/compte$/);
    // The FC sign-in was 31 minutes ago: FC's own session (30 minutes) has ended.
    await app.dataSource.query(`UPDATE franceconnect_session SET created_at = now() - interval '31 minutes'`);
    const endSessions = () => standIn.requests.filter((r) => r.endpoint === 'session/end').length;
    const before = endSessions();
    const account = await browser.get(`${app.url}/compte`, app.url);
    const logoutPage = await browser.submit(account, /\/compte\/deconnexion$/, {}, app.url);
    const answer = await browser.submit(logoutPage, /session\/end\/confirm$/, { logout: 'yes' }, app.url);
    assert.ok(!answer.location?.startsWith(standIn.issuer), `pas de passage par FC : ${answer.location}`);
    assert.match(answer.url, /\/compte\/deconnexion\/terminee$/);
    assert.match(answer.body, /Vous êtes déconnecté/);
    assert.equal(endSessions(), before);
    const [skipped] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'franceconnect.logout.skipped'`,
    );
    assert.equal(skipped.n, 1);
  });
});
