import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService, type ClientMetadata } from '../../src/modules/oidc';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const LOGOUT_URI = 'http://127.0.0.1:9/deconnecte';
const PASSWORD = 'Mot-de-passe-1';

/** The OAuth error code of an openid-client failure: from the JSON body, or from the WWW-Authenticate challenge. */
function oauthError(error: unknown): string | undefined {
  const e = error as { error?: string; cause?: Array<{ parameters?: { error?: string } }> };
  return e.error ?? (Array.isArray(e.cause) ? e.cause[0]?.parameters?.error : undefined);
}

describe('OpenID provider (end to end, openid-client as the relying party)', () => {
  let app: TestApp;
  let accountId: string;
  const secrets: Record<string, string> = {};
  const configs: Record<string, client.Configuration> = {};

  async function register(metadata: ClientMetadata): Promise<void> {
    const oidc = app.app.get(OidcProviderService);
    const added = await app.app.get(ClientRegistry).add(metadata, (m) => oidc.validateClient(m));
    if (added.clientSecret) secrets[metadata.client_id] = added.clientSecret;
    const auth = added.clientSecret ? client.ClientSecretBasic(added.clientSecret) : client.None();
    configs[metadata.client_id] = await client.discovery(
      new URL(app.config.issuer),
      metadata.client_id,
      undefined,
      auth,
      {
        execute: [client.allowInsecureRequests],
      },
    );
  }

  before(async () => {
    app = await startTestApp();
    accountId = (
      await app.app.get(IdentityService).createActiveAccount({
        email: 'camille.durand@example.fr',
        identifier: 'camille.durand',
        password: PASSWORD,
        givenName: 'Camille',
        familyName: 'Durand',
      })
    ).id;
    const site = {
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: [LOGOUT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    };
    await register({ client_id: 'site-a', client_name: 'Site A', ...site });
    await register({ client_id: 'site-b', client_name: 'Site B', ...site });
    await register({ client_id: 'robot', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
  });
  after(async () => app.close());

  interface Flow {
    url: URL;
    verifier: string;
    state: string;
    nonce: string;
  }

  async function start(clientId: string, params: Record<string, string> = {}): Promise<Flow> {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configs[clientId], {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...params,
    });
    return { url, verifier, state, nonce };
  }

  /** Drives the pages as a person would; returns where the browser is finally sent (the site's callback). */
  async function signIn(
    browser: HttpBrowser,
    flow: Flow,
    options: { password?: string; consent?: 'autoriser' | 'refuser' } = {},
  ) {
    let page = await browser.get(flow.url.toString(), app.url);
    if (page.location) return { callback: page.location, page };
    if (/identifiant$/.test(/action="([^"]*identifiant)"/.exec(page.body)?.[1] ?? '')) {
      page = await browser.submit(page, /identifiant$/, { identifier: 'camille.durand' }, app.url);
      page = await browser.submit(page, /mot-de-passe$/, { password: options.password ?? PASSWORD }, app.url);
      if (page.location) return { callback: page.location, page };
      if (page.status !== 200) return { callback: undefined, page };
    }
    page = await browser.submit(page, /consentement$/, { decision: options.consent ?? 'autoriser' }, app.url);
    return { callback: page.location, page };
  }

  async function tokens(clientId: string, flow: Flow, callback: string) {
    return client.authorizationCodeGrant(configs[clientId], new URL(callback), {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  }

  describe('discovery and keys', () => {
    it('publishes its metadata under the issuer, with PKCE S256 only and the code flow only', async () => {
      const metadata = configs['site-a'].serverMetadata();
      assert.equal(metadata.issuer, `${app.url}/oidc`);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.ok(metadata.scopes_supported?.includes('offline_access'));
      assert.ok(metadata.end_session_endpoint);
    });

    it('shows https endpoints behind a TLS proxy it trusts', async () => {
      const proxied = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
      try {
        const res = await fetch(`${proxied.url}/oidc/.well-known/openid-configuration`, {
          headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'compte.example.fr' },
        });
        const metadata = (await res.json()) as Record<string, string>;
        assert.equal(metadata.token_endpoint, 'https://compte.example.fr/oidc/token');
        assert.equal(metadata.issuer, `${proxied.url}/oidc`, 'l’émetteur reste PUBLIC_URL');
      } finally {
        await proxied.close();
      }
    });

    it('publishes public RS256, ES256 and EdDSA keys, never their private parts', async () => {
      const jwks = (await (await fetch(`${app.url}/oidc/jwks`)).json()) as { keys: Array<Record<string, string>> };
      assert.deepEqual(jwks.keys.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
      for (const key of jwks.keys) assert.equal(key.d, undefined);
    });
  });

  describe('authorization code with PKCE', () => {
    it('signs in through the identifier and password pages, asks consent, and issues checked tokens', async () => {
      const browser = new HttpBrowser();
      const flow = await start('site-a');
      const { callback } = await signIn(browser, flow);
      assert.ok(callback?.startsWith(REDIRECT_URI), `retour vers le site : ${callback}`);
      const params = new URL(callback!).searchParams;
      assert.equal(params.get('state'), flow.state);
      assert.equal(params.get('iss'), `${app.url}/oidc`);
      const result = await tokens('site-a', flow, callback!);
      // Checked here by hand too, as a strict relying party would: signature against the JWKS, iss, aud, exp, nonce.
      // (at_hash is optional for ID tokens from the token endpoint, OpenID Connect Core §3.1.3.6, and this provider
      // leaves it out there; the relying party checks the access token through userinfo below.)
      const { payload, protectedHeader } = await jwtVerify(
        result.id_token!,
        createRemoteJWKSet(new URL(`${app.url}/oidc/jwks`)),
        {
          issuer: `${app.url}/oidc`,
          audience: 'site-a',
          algorithms: ['RS256'],
        },
      );
      assert.equal(protectedHeader.alg, 'RS256');
      assert.ok(payload.exp! > Date.now() / 1000);
      assert.equal(payload.nonce, flow.nonce);
      const claims = result.claims()!;
      assert.equal(claims.sub, accountId);
      assert.equal(claims.nonce, flow.nonce);
      assert.deepEqual(claims.amr, ['pwd']);
      const userinfo = await client.fetchUserInfo(configs['site-a'], result.access_token, accountId);
      assert.equal(userinfo.email, 'camille.durand@example.fr');
      assert.equal(userinfo.given_name, 'Camille');
      assert.equal(userinfo.preferred_username, 'camille.durand');
    });

    it('refuses a request without PKCE, or with the plain method, back at the site', async () => {
      const variants: Array<Record<string, string>> = [
        { code_challenge: '', code_challenge_method: '' },
        { code_challenge_method: 'plain' },
      ];
      for (const params of variants) {
        const flow = await start('site-a', params);
        const url = new URL(flow.url);
        for (const [k, v] of Object.entries(params)) if (v === '') url.searchParams.delete(k);
        const page = await new HttpBrowser().get(url.toString(), app.url);
        const error = new URL(page.location!).searchParams;
        assert.equal(error.get('error'), 'invalid_request');
        assert.match(error.get('error_description') ?? '', /PKCE|code_challenge/);
      }
    });

    it('never redirects to an unregistered redirect URI, and explains it in French', async () => {
      const flow = await start('site-a', { redirect_uri: 'http://127.0.0.1:9/autre' });
      const page = await new HttpBrowser().get(flow.url.toString(), app.url);
      assert.equal(page.location, undefined);
      assert.equal(page.status, 400);
      assert.match(page.body, /L’adresse de retour demandée par le site n’est pas enregistrée/);
    });

    it('refuses a wrong password with the same message as an unknown identifier', async () => {
      const browser = new HttpBrowser();
      const flow = await start('site-a');
      const { page } = await signIn(browser, flow, { password: 'faux' });
      assert.equal(page.status, 401);
      assert.match(page.body, /Identifiant ou mot de passe incorrect\./);
      const unknown = new HttpBrowser();
      let other = await unknown.get((await start('site-a')).url.toString(), app.url);
      other = await unknown.submit(other, /identifiant$/, { identifier: 'personne.inconnue' }, app.url);
      other = await unknown.submit(other, /mot-de-passe$/, { password: 'faux' }, app.url);
      assert.equal(other.status, 401);
      assert.match(other.body, /Identifiant ou mot de passe incorrect\./);
    });

    it('hands the code back in a form post when response_mode=form_post', async () => {
      const browser = new HttpBrowser();
      await signIn(browser, await start('site-a'));
      const flow = await start('site-a', { response_mode: 'form_post' });
      const page = await browser.get(flow.url.toString(), app.url);
      assert.equal(page.status, 200);
      assert.match(page.body, new RegExp(`<form method="post" action="${REDIRECT_URI}">`));
      assert.match(page.body, new RegExp(`name="state" value="${flow.state}"`));
      assert.match(page.body, /name="code" value="[^"]+"/);
    });
  });

  describe('single sign-on and prompts', () => {
    it('signs into a second site without the password, asking only consent', async () => {
      const browser = new HttpBrowser();
      await signIn(browser, await start('site-a'));
      const flow = await start('site-b');
      let page = await browser.get(flow.url.toString(), app.url);
      assert.match(page.body, /Autoriser Site B/);
      page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
      assert.equal((await tokens('site-b', flow, page.location!)).claims()!.sub, accountId);
      // Consent is remembered: the next request goes straight back.
      const again = await start('site-b');
      assert.ok((await browser.get(again.url.toString(), app.url)).location?.startsWith(REDIRECT_URI));
    });

    it('asks for the password again when the sign-in is older than max_age', async () => {
      const browser = new HttpBrowser();
      await signIn(browser, await start('site-a'));
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const page = await browser.get((await start('site-a', { max_age: '1' })).url.toString(), app.url);
      assert.equal(page.location, undefined);
      assert.match(page.body, /Étape 1 sur 2 : votre identifiant/);
    });

    it('answers prompt=none without a session with login_required', async () => {
      const page = await new HttpBrowser().get((await start('site-a', { prompt: 'none' })).url.toString(), app.url);
      assert.equal(new URL(page.location!).searchParams.get('error'), 'login_required');
    });

    it('asks for the password again with prompt=login', async () => {
      const browser = new HttpBrowser();
      await signIn(browser, await start('site-a'));
      const page = await browser.get((await start('site-a', { prompt: 'login' })).url.toString(), app.url);
      assert.equal(page.location, undefined);
      assert.match(page.body, /Étape 1 sur 2 : votre identifiant/);
    });

    it('sends access_denied back to the site when the person refuses', async () => {
      const flow = await start('site-b', { prompt: 'consent' });
      const { callback } = await signIn(new HttpBrowser(), flow, { consent: 'refuser' });
      assert.equal(new URL(callback!).searchParams.get('error'), 'access_denied');
    });
  });

  describe('codes and tokens', () => {
    it('refuses a replayed code and revokes what the first exchange issued', async () => {
      const flow = await start('site-a');
      const { callback } = await signIn(new HttpBrowser(), flow);
      const first = await tokens('site-a', flow, callback!);
      await assert.rejects(tokens('site-a', flow, callback!), (e) => oauthError(e) === 'invalid_grant');
      await assert.rejects(
        client.fetchUserInfo(configs['site-a'], first.access_token, accountId),
        (e) => oauthError(e) === 'invalid_token',
      );
    });

    it('refuses a code presented by another client', async () => {
      const flow = await start('site-a');
      const { callback } = await signIn(new HttpBrowser(), flow);
      await assert.rejects(
        client.authorizationCodeGrant(configs['site-b'], new URL(callback!), {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
        }),
        (e) => oauthError(e) === 'invalid_grant',
      );
    });

    it('refuses a wrong client secret with invalid_client', async () => {
      const wrong = await client.discovery(
        new URL(app.config.issuer),
        'site-a',
        undefined,
        client.ClientSecretBasic('faux'),
        {
          execute: [client.allowInsecureRequests],
        },
      );
      const flow = await start('site-a');
      const { callback } = await signIn(new HttpBrowser(), flow);
      await assert.rejects(
        client.authorizationCodeGrant(wrong, new URL(callback!), {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
        }),
        (e) => oauthError(e) === 'invalid_client',
      );
    });

    it('rotates refresh tokens, and a replayed one revokes the grant', async () => {
      const flow = await start('site-a', { scope: 'openid offline_access', prompt: 'consent' });
      const { callback } = await signIn(new HttpBrowser(), flow);
      const first = await tokens('site-a', flow, callback!);
      assert.ok(first.refresh_token);
      const second = await client.refreshTokenGrant(configs['site-a'], first.refresh_token);
      assert.ok(second.refresh_token && second.refresh_token !== first.refresh_token);
      await assert.rejects(
        client.refreshTokenGrant(configs['site-a'], first.refresh_token),
        (e) => oauthError(e) === 'invalid_grant',
      );
      await assert.rejects(
        client.refreshTokenGrant(configs['site-a'], second.refresh_token),
        (e) => oauthError(e) === 'invalid_grant',
      );
    });

    it('lets a client introspect and revoke its own tokens only', async () => {
      const flow = await start('site-a');
      const { callback } = await signIn(new HttpBrowser(), flow);
      const { access_token } = await tokens('site-a', flow, callback!);
      assert.equal((await client.tokenIntrospection(configs['site-a'], access_token)).active, true);
      assert.equal((await client.tokenIntrospection(configs['site-b'], access_token)).active, false);
      await client.tokenRevocation(configs['site-a'], access_token);
      assert.equal((await client.tokenIntrospection(configs['site-a'], access_token)).active, false);
    });

    it('serves userinfo by GET and POST, and answers a bad token with 401 and WWW-Authenticate', async () => {
      const flow = await start('site-a', { scope: 'openid' });
      const { callback } = await signIn(new HttpBrowser(), flow);
      const { access_token } = await tokens('site-a', flow, callback!);
      const get = await fetch(`${app.url}/oidc/me`, { headers: { authorization: `Bearer ${access_token}` } });
      assert.deepEqual(await get.json(), { sub: accountId });
      const post = await fetch(`${app.url}/oidc/me`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token }),
      });
      assert.deepEqual(await post.json(), { sub: accountId });
      const bad = await fetch(`${app.url}/oidc/me`, { headers: { authorization: 'Bearer faux' } });
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
    });

    it('issues client-credentials tokens to a machine client', async () => {
      const result = await client.clientCredentialsGrant(configs.robot);
      assert.ok(result.access_token);
      assert.equal(result.token_type.toLowerCase(), 'bearer');
    });
  });

  describe('logout', () => {
    it('confirms in French, signs out, returns to the site with its state, and prompt=none then fails', async () => {
      const browser = new HttpBrowser();
      const flow = await start('site-a');
      const { callback } = await signIn(browser, flow);
      const { id_token } = await tokens('site-a', flow, callback!);
      const logout = client.buildEndSessionUrl(configs['site-a'], {
        id_token_hint: id_token!,
        post_logout_redirect_uri: LOGOUT_URI,
        state: 'etat-de-deconnexion',
      });
      const page = await browser.get(logout.toString(), app.url);
      assert.match(page.body, /Se déconnecter \?/);
      const done = await browser.submit(page, /session\/end\/confirm$/, { logout: 'yes' }, app.url);
      assert.equal(done.location, `${LOGOUT_URI}?state=etat-de-deconnexion`);
      const silent = await browser.get((await start('site-a', { prompt: 'none' })).url.toString(), app.url);
      assert.equal(new URL(silent.location!).searchParams.get('error'), 'login_required');
    });
  });

  describe('account space (/compte)', () => {
    it('signs in through the provider, and refuses a forged callback without opening a session', async () => {
      const browser = new HttpBrowser();
      const start = await browser.get(`${app.url}/compte`, app.url);
      assert.match(start.body, /Étape 1 sur 2 : votre identifiant/);
      const forged = await browser.get(
        `${app.url}/compte/connexion/retour?code=faux&state=faux&iss=${encodeURIComponent(app.config.issuer)}`,
      );
      assert.equal(forged.status, 400);
      assert.match(forged.body, /La connexion à votre compte n’a pas pu aboutir/);
      const after = await browser.get(`${app.url}/compte`, app.url);
      assert.doesNotMatch(after.body, /<h1>Mon compte<\/h1>/);
    });
  });
});
