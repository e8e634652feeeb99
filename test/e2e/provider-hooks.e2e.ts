import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { ProviderHooks } from '../../src/platform/provider-hooks';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';

/**
 * A module as a business module would be, registered in the test only: an access check on « Site B » (the person's
 * organisation lost its subscription), and the roles of the person on each product (on « Site A » only).
 */
@Injectable()
class ProductRules implements OnModuleInit {
  readonly unsubscribed = new Set<string>();

  constructor(private readonly hooks: ProviderHooks) {}

  onModuleInit(): void {
    this.hooks.addAccessCheck({
      name: 'test.subscription',
      check: async ({ accountId, clientId }) =>
        clientId === 'site-b' && this.unsubscribed.has(accountId)
          ? {
              reason: 'Votre organisation n’est plus abonnée à ce service.',
              whatToDo: 'Demandez à l’administrateur de votre organisation de renouveler l’abonnement.',
            }
          : undefined,
    });
    this.hooks.addClaimsContributor({
      scope: 'roles',
      claims: ['roles'],
      description: 'vos rôles sur ce service',
      claimsFor: async ({ clientId }) => (clientId === 'site-a' ? { roles: ['lecteur', 'administrateur'] } : {}),
    });
  }
}

@Module({ providers: [ProductRules] })
class ProductRulesModule {}

describe('Provider hooks: access checks per client and claims contributors (registered by a module)', () => {
  let app: TestApp;
  let accountId: string;
  const configs: Record<string, client.Configuration> = {};

  before(async () => {
    app = await startTestApp({ extraModules: [ProductRulesModule] });
    accountId = (
      await app.app.get(IdentityService).createActiveAccount({
        email: 'nina.roux@example.fr',
        identifier: 'nina.roux',
        password: PASSWORD,
        givenName: 'Nina',
        familyName: 'Roux',
      })
    ).id;
    const oidc = app.app.get(OidcProviderService);
    for (const [clientId, name] of [
      ['site-a', 'Site A'],
      ['site-b', 'Site B'],
    ]) {
      const { clientSecret } = await app.app
        .get(ClientRegistry)
        .add({ client_id: clientId, client_name: name, redirect_uris: [REDIRECT_URI] }, (m) => oidc.validateClient(m));
      configs[clientId] = await client.discovery(
        new URL(app.config.issuer),
        clientId,
        undefined,
        client.ClientSecretBasic(clientSecret),
        { execute: [client.allowInsecureRequests] },
      );
    }
  });
  after(async () => app.close());

  async function start(clientId: string, params: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(configs[clientId], {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile roles',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...params,
    });
    return { url: url.toString(), verifier };
  }

  const tokens = (clientId: string, verifier: string, callback: string) =>
    client.authorizationCodeGrant(configs[clientId], new URL(callback), { pkceCodeVerifier: verifier });

  it('lists the contributed scope and claim in discovery', () => {
    const metadata = configs['site-a'].serverMetadata();
    assert.ok(metadata.scopes_supported?.includes('roles'));
    assert.ok(metadata.claims_supported?.includes('roles'));
  });

  it('adds the contributed claim for its client only; the access check then refuses a sign-in by SSO', async () => {
    const browser = new HttpBrowser();
    // Site A: password, then consent, which describes the contributed scope in French.
    const a = await start('site-a');
    let page = await browser.get(a.url, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'nina.roux' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.match(page.body, /vos rôles sur ce service/);
    page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    const atA = await tokens('site-a', a.verifier, page.location!);
    assert.deepEqual(atA.claims()!.roles, ['lecteur', 'administrateur']);
    assert.deepEqual((await client.fetchUserInfo(configs['site-a'], atA.access_token, accountId)).roles, [
      'lecteur',
      'administrateur',
    ]);

    // Site B, allowed for now: single sign-on, consent remembered afterwards; no roles for this client.
    const b = await start('site-b');
    page = await browser.get(b.url, app.url);
    assert.match(page.body, /Autoriser Site B/);
    page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    const atB = await tokens('site-b', b.verifier, page.location!);
    assert.equal(atB.claims()!.sub, accountId);
    assert.equal(atB.claims()!.roles, undefined);
    assert.equal((await client.fetchUserInfo(configs['site-b'], atB.access_token, accountId)).roles, undefined);

    // The subscription ends: the next sign-in to Site B, by SSO with the consent remembered, is refused.
    app.app.get(ProductRules).unsubscribed.add(accountId);
    const again = await start('site-b', { state: 'etat-b' });
    page = await browser.get(again.url, app.url);
    assert.equal(page.status, 403);
    assert.equal(page.location, undefined, 'no code goes back to the site');
    assert.match(page.body, /Vous ne pouvez pas accéder à Site B/);
    assert.match(page.body, /Votre organisation n’est plus abonnée à ce service\./);
    assert.match(page.body, /Demandez à l’administrateur de votre organisation de renouveler l’abonnement\./);
    assert.doesNotMatch(page.body, /type="password"/, 'no password asked');
    const back = await browser.submit(page, /annuler$/, {}, app.url);
    const error = new URL(back.location!);
    assert.equal(error.searchParams.get('error'), 'access_denied');
    assert.equal(error.searchParams.get('state'), 'etat-b');

    const silent = await browser.get((await start('site-b', { prompt: 'none' })).url, app.url);
    assert.equal(new URL(silent.location!).searchParams.get('error'), 'access_denied');

    // What Site B holds no longer works either; Site A's tokens do.
    await assert.rejects(client.fetchUserInfo(configs['site-b'], atB.access_token, accountId));
    assert.equal((await client.fetchUserInfo(configs['site-a'], atA.access_token, accountId)).sub, accountId);

    // Site A is not concerned: single sign-on still goes straight back with a code.
    const stillA = await browser.get((await start('site-a')).url, app.url);
    assert.ok(new URL(stillA.location!).searchParams.get('code'));
    const [{ refused }] = await app.dataSource.query<Array<{ refused: number }>>(
      `SELECT count(*)::int AS refused FROM audit_event WHERE action = 'oidc.access.refused' AND actor_id = $1`,
      [accountId],
    );
    assert.equal(refused, 1);
  });

  it('gives the contributed claim only to a site that asked for its scope', async () => {
    const browser = new HttpBrowser();
    const a = await start('site-a', { scope: 'openid profile' });
    let page = await browser.get(a.url, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'nina.roux' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    if (!page.location) page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    const result = await tokens('site-a', a.verifier, page.location!);
    assert.equal(result.claims()!.sub, accountId);
    assert.equal(result.claims()!.roles, undefined);
    assert.equal((await client.fetchUserInfo(configs['site-a'], result.access_token, accountId)).roles, undefined);
  });

  it('refuses registering a hook once the provider is built', () => {
    assert.throws(
      () => app.app.get(ProviderHooks).addAccessCheck({ name: 'trop.tard', check: async () => undefined }),
      /trop tard/,
    );
  });
});
