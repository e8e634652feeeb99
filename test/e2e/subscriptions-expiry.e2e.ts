import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { SubscriptionsClock, SubscriptionsExpiryJob, SubscriptionsService } from '../../src/modules/subscriptions';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';

describe('SubscriptionsExpiryJob', () => {
  let app: TestApp;
  let job: SubscriptionsExpiryJob;
  let product: client.Configuration;
  let subscriptionId: string;
  const accounts: Record<string, string> = {};

  before(async () => {
    app = await startTestApp();
    job = app.app.get(SubscriptionsExpiryJob);
    // The access check's clock stays before the end: a refusal below comes from the job's removal alone.
    app.app.get(SubscriptionsClock).now = () => new Date('2026-06-15T10:00:00Z');
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'avocat-web', client_name: 'Dalloz Avocat', redirect_uris: [REDIRECT_URI] }, (m) =>
        oidc.validateClient(m),
      );
    product = await client.discovery(
      new URL(app.config.issuer),
      'avocat-web',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const service = app.app.get(SubscriptionsService);
    await service.addProduct({
      code: 'dalloz-avocat',
      name: 'Dalloz Avocat',
      url: 'https://avocat.example.fr/',
      clientIds: ['avocat-web'],
    });
    subscriptionId = (
      await service.addSubscription({
        subscriber: 'Cabinet Dupont',
        products: [{ code: 'dalloz-avocat' }],
        seats: 3,
        startsOn: '2026-01-01',
        endsOn: '2026-06-30',
        accountMode: 'administrator-managed',
      })
    ).id;
    for (const [identifier, role] of [
      ['jp.dupont', 'administrator'],
      ['louis.martin', 'reader'],
    ] as const) {
      accounts[identifier] = (
        await app.app.get(IdentityService).createActiveAccount({
          email: `${identifier}@example.fr`,
          identifier,
          password: PASSWORD,
          givenName: identifier,
          familyName: 'Test',
        })
      ).id;
      await service.setMembership(subscriptionId, accounts[identifier], [{ productCode: 'dalloz-avocat', role }]);
    }
  });
  after(async () => app.close());

  const warnings = async () =>
    app.dataSource.query<Array<{ recipient: string; data: { subscriber: string; endsOn: string; days: number } }>>(
      `SELECT recipient, data FROM outbox_message WHERE template = 'subscription-expiry-warning' ORDER BY created_at, id`,
    );

  it('warns the administrators 30 then 7 days before the end, once each', async () => {
    assert.equal(await job.warnAdministrators(new Date('2026-05-30T08:00:00Z')), 0, '31 days before');
    assert.equal(await job.warnAdministrators(new Date('2026-05-31T08:00:00Z')), 1);
    assert.equal(await job.warnAdministrators(new Date('2026-06-01T08:00:00Z')), 0, 'once');
    assert.equal(await job.warnAdministrators(new Date('2026-06-23T08:00:00Z')), 1);
    assert.equal(await job.warnAdministrators(new Date('2026-06-24T08:00:00Z')), 0, 'once');
    const sent = await warnings();
    assert.equal(sent.length, 2, 'one e-mail at 30 days, one at 7');
    assert.deepEqual(
      sent.map((m) => [m.recipient, m.data.subscriber, m.data.endsOn, m.data.days]),
      [
        ['jp.dupont@example.fr', 'Cabinet Dupont', '30/06/2026', 30],
        ['jp.dupont@example.fr', 'Cabinet Dupont', '30/06/2026', 7],
      ],
    );
  });

  it('ends the memberships after the last day: the product refuses the members, their accounts stay', async () => {
    const browser = new HttpBrowser();
    const verifier = client.randomPKCECodeVerifier();
    let page = await browser.get(
      client
        .buildAuthorizationUrl(product, {
          redirect_uri: REDIRECT_URI,
          scope: 'openid',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        })
        .toString(),
      app.url,
    );
    page = await browser.submit(page, /identifiant$/, { identifier: 'louis.martin' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    if (!page.location) page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    const tokens = await client.authorizationCodeGrant(product, new URL(page.location!), {
      pkceCodeVerifier: verifier,
    });
    assert.ok(await client.fetchUserInfo(product, tokens.access_token, accounts['louis.martin']));

    assert.equal(await job.endExpired(new Date('2026-06-30T21:00:00Z')), 0, 'the last day, in Paris, is still on');
    const [first, second] = await Promise.all([
      job.endExpired(new Date('2026-06-30T22:30:00Z')),
      job.endExpired(new Date('2026-06-30T22:30:00Z')),
    ]);
    assert.equal(first + second, 2, 'each membership ended once');
    await assert.rejects(client.fetchUserInfo(product, tokens.access_token, accounts['louis.martin']));
    const again = await browser.get(
      client
        .buildAuthorizationUrl(product, {
          redirect_uri: REDIRECT_URI,
          scope: 'openid',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        })
        .toString(),
      app.url,
    );
    assert.equal(again.status, 403);
    assert.ok(await app.app.get(IdentityService).findById(accounts['louis.martin']));
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'subscriptions.membership.removed' AND actor_id = 'expiry-job'`,
    );
    assert.equal(n, 2);
  });
});
