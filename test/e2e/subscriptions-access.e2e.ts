import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { SubscriptionsClock, SubscriptionsService } from '../../src/modules/subscriptions';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';
type HttpPage = Awaited<ReturnType<HttpBrowser['get']>>;

/**
 * Real relying parties (openid-client) in front of the provider: « avocat-web » is the client of a product that
 * requires a subscription, « civil-web » of another product, « annuaire » of no product.
 */
describe('Subscriptions towards the products: access check and the subscriptions claim', () => {
  let app: TestApp;
  let service: SubscriptionsService;
  const configs: Record<string, client.Configuration> = {};
  const accounts: Record<string, string> = {};
  let cabinet: string;

  before(async () => {
    app = await startTestApp();
    const oidc = app.app.get(OidcProviderService);
    for (const [clientId, name] of [
      ['avocat-web', 'Dalloz Avocat'],
      ['civil-web', 'Code civil en ligne'],
      ['annuaire', 'Annuaire'],
      ['revue-web', 'Revue en accès libre'],
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
    const identity = app.app.get(IdentityService);
    for (const [identifier, givenName, familyName] of [
      ['jp.dupont', 'Jean-Pierre', 'Dupont'],
      ['louis.martin', 'Louis', 'Martin'],
      ['armelle.pierre', 'Armelle', 'Pierre'],
    ])
      accounts[identifier] = (
        await identity.createActiveAccount({
          email: `${identifier}@example.fr`,
          identifier,
          password: PASSWORD,
          givenName,
          familyName,
        })
      ).id;

    service = app.app.get(SubscriptionsService);
    await service.addProduct({
      code: 'dalloz-avocat',
      name: 'Dalloz Avocat',
      url: 'https://avocat.example.fr/',
      sections: [
        { code: 'assurances', name: 'Assurances' },
        { code: 'civil', name: 'Civil' },
        { code: 'code-avocat', name: 'Code de l’avocat' },
      ],
      clientIds: ['avocat-web'],
    });
    await service.addProduct({
      code: 'code-civil',
      name: 'Code civil',
      url: 'https://civil.example.fr/',
      clientIds: ['civil-web'],
    });
    cabinet = (
      await service.addSubscription({
        subscriber: 'Cabinet Dupont & Associés',
        products: [{ code: 'dalloz-avocat', sections: ['assurances', 'civil'] }, { code: 'code-civil' }],
        seats: 5,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'administrator-managed',
      })
    ).id;
    // Jean-Pierre: reader and administrator of the whole product; Louis: reader of one section only.
    await service.setMembership(cabinet, accounts['jp.dupont'], [
      { productCode: 'dalloz-avocat', role: 'reader' },
      { productCode: 'dalloz-avocat', role: 'administrator' },
      { productCode: 'code-civil', role: 'reader' },
    ]);
    await service.setMembership(cabinet, accounts['louis.martin'], [
      { productCode: 'dalloz-avocat', section: 'civil', role: 'reader' },
    ]);
    app.app.get(SubscriptionsClock).now = () => new Date('2026-06-15T10:00:00Z');
  });
  after(async () => app.close());

  async function start(clientId: string, params: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(configs[clientId], {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile subscriptions',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...params,
    });
    return { url: url.toString(), verifier };
  }

  /** Signs in to the site with a password (first time in this browser), consenting when asked; returns the tokens. */
  async function signIn(browser: HttpBrowser, clientId: string, identifier?: string) {
    const flow = await start(clientId);
    let page: HttpPage = await browser.get(flow.url, app.url);
    if (identifier) {
      page = await browser.submit(page, /identifiant$/, { identifier }, app.url);
      page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    }
    if (!page.location && /consentement/.test(page.body))
      page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    return {
      page,
      tokens: page.location?.startsWith(REDIRECT_URI)
        ? await exchange(clientId, flow.verifier, page.location)
        : undefined,
    };
  }

  const exchange = (clientId: string, verifier: string, callback: string) =>
    client.authorizationCodeGrant(configs[clientId], new URL(callback), { pkceCodeVerifier: verifier });

  it('lists the scope and the claim in discovery', () => {
    const metadata = configs['avocat-web'].serverMetadata();
    assert.ok(metadata.scopes_supported?.includes('subscriptions'));
    assert.ok(metadata.claims_supported?.includes('subscriptions'));
  });

  it('lets a member in by SSO from another site, with the claim for this product only', async () => {
    const browser = new HttpBrowser();
    const first = await signIn(browser, 'annuaire', 'jp.dupont');
    assert.ok(first.tokens, 'signed in to the site of no product');
    assert.equal(first.tokens.claims()!.subscriptions, undefined, 'no product: no claim');

    const atAvocat = await signIn(browser, 'avocat-web');
    assert.ok(atAvocat.tokens, atAvocat.page.body);
    const expected = [
      {
        subscription_id: cabinet,
        subscriber: 'Cabinet Dupont & Associés',
        product: 'dalloz-avocat',
        roles: ['reader', 'administrator'],
        sections: ['assurances', 'civil'],
      },
    ];
    assert.deepEqual(atAvocat.tokens.claims()!.subscriptions, expected);
    const info = await client.fetchUserInfo(configs['avocat-web'], atAvocat.tokens.access_token, accounts['jp.dupont']);
    assert.deepEqual(info.subscriptions, expected);

    const atCivil = await signIn(browser, 'civil-web');
    assert.deepEqual(atCivil.tokens!.claims()!.subscriptions, [
      {
        subscription_id: cabinet,
        subscriber: 'Cabinet Dupont & Associés',
        product: 'code-civil',
        roles: ['reader'],
        sections: [],
      },
    ]);
  });

  it('gives a member with a role on one section that section only', async () => {
    const browser = new HttpBrowser();
    const { tokens } = await signIn(browser, 'avocat-web', 'louis.martin');
    assert.deepEqual(tokens!.claims()!.subscriptions, [
      {
        subscription_id: cabinet,
        subscriber: 'Cabinet Dupont & Associés',
        product: 'dalloz-avocat',
        roles: ['reader'],
        sections: ['civil'],
      },
    ]);
  });

  it('refuses an account without a membership, also by SSO from another site, and lets it into that other site', async () => {
    const browser = new HttpBrowser();
    const other = await signIn(browser, 'annuaire', 'armelle.pierre');
    assert.ok(other.tokens);
    const flow = await start('avocat-web');
    const page = await browser.get(flow.url, app.url);
    assert.equal(page.status, 403);
    assert.equal(page.location, undefined, 'no code goes back to the product');
    assert.match(page.body, /Votre compte n’a pas d’abonnement actif à Dalloz Avocat\./);
    assert.doesNotMatch(page.body, /type="password"/);
    const silent = await browser.get((await start('avocat-web', { prompt: 'none' })).url, app.url);
    assert.equal(new URL(silent.location!).searchParams.get('error'), 'access_denied');
  });

  it('refuses a removed member by SSO, and the product’s tokens stop working; the account stays', async () => {
    const browser = new HttpBrowser();
    const before = await signIn(browser, 'avocat-web', 'louis.martin');
    assert.ok(before.tokens);
    const grantsOnProduct = async () =>
      (
        await app.dataSource.query<Array<{ grants: number }>>(
          `SELECT count(*)::int AS grants FROM oidc_payload WHERE model = 'Grant' AND payload->>'accountId' = $1 AND payload->>'clientId' = 'avocat-web'`,
          [accounts['louis.martin']],
        )
      )[0].grants;
    assert.ok((await grantsOnProduct()) > 0);
    assert.equal(await service.removeMembership(cabinet, accounts['louis.martin']), true);
    const page = await browser.get((await start('avocat-web')).url, app.url);
    assert.equal(page.status, 403);
    await assert.rejects(
      client.fetchUserInfo(configs['avocat-web'], before.tokens.access_token, accounts['louis.martin']),
    );
    // Its grant on the product is revoked with its tokens: the refresh token is refused too.
    await assert.rejects(client.refreshTokenGrant(configs['avocat-web'], before.tokens.refresh_token ?? 'aucun'));
    assert.equal(await grantsOnProduct(), 0);
    assert.equal((await app.app.get(IdentityService).findById(accounts['louis.martin']))?.id, accounts['louis.martin']);
    const other = await signIn(browser, 'annuaire');
    assert.ok(other.tokens, 'the account still signs in elsewhere');
  });

  it('refuses members once the subscription has ended, before it starts, and in « pas de compte personnel »', async () => {
    const browser = new HttpBrowser();
    assert.ok((await signIn(browser, 'avocat-web', 'jp.dupont')).tokens);
    const clock = app.app.get(SubscriptionsClock);
    try {
      for (const day of ['2027-01-01T10:00:00Z', '2025-12-31T12:00:00Z']) {
        clock.now = () => new Date(day);
        assert.equal((await browser.get((await start('avocat-web')).url, app.url)).status, 403, day);
      }
      // 31 December 2026, 23:30 in Paris is still the last day.
      clock.now = () => new Date('2026-12-31T22:30:00Z');
      assert.ok((await signIn(browser, 'avocat-web')).tokens);
      clock.now = () => new Date('2026-06-15T10:00:00Z');
      await service.setMode(cabinet, 'no-personal-account', { confirm: true });
      assert.equal((await browser.get((await start('avocat-web')).url, app.url)).status, 403);
      await service.setMode(cabinet, 'administrator-managed', { confirm: true });
      assert.ok((await signIn(browser, 'avocat-web')).tokens);
    } finally {
      clock.now = () => new Date('2026-06-15T10:00:00Z');
    }
  });

  it('answers inactive at introspection once the access checks refuse the token’s account on the product', async () => {
    const { tokens } = await signIn(new HttpBrowser(), 'avocat-web', 'jp.dupont');
    const introspect = async () =>
      (await client.tokenIntrospection(configs['avocat-web'], tokens!.access_token)).active;
    assert.equal(await introspect(), true);
    const clock = app.app.get(SubscriptionsClock);
    try {
      clock.now = () => new Date('2027-01-01T10:00:00Z');
      assert.equal(await introspect(), false, 'the subscription has ended');
    } finally {
      clock.now = () => new Date('2026-06-15T10:00:00Z');
    }
    assert.equal(await introspect(), true);
  });

  it('lets anyone into a product that does not require a subscription, with an empty claim', async () => {
    await service.addProduct({
      code: 'revue',
      name: 'Revue',
      url: 'https://revue.example.fr/',
      clientIds: ['revue-web'],
      subscriptionRequired: false,
    });
    const { tokens } = await signIn(new HttpBrowser(), 'revue-web', 'armelle.pierre');
    assert.deepEqual(tokens!.claims()!.subscriptions, []);
  });
});
