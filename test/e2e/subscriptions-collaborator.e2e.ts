import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { SubscriptionsClock, SubscriptionsService } from '../../src/modules/subscriptions';
import { HttpBrowser } from '../support/http-browser';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';
const NEW_PASSWORD = 'Un-Mot-de-passe-2';

/**
 * The seed's « Gestion par Administrateur » end to end, over HTTP with a real SMTP server and a real relying party:
 * the administrator creates a collaborator, who follows the e-mail, chooses a password and signs in to the product
 * with exactly the roles given.
 */
describe('Subscriptions: a collaborator created by an administrator signs in to the product', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let product: client.Configuration;
  let subscriptionId: string;

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    app.app.get(OutboxWorker).start();
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
      sections: [
        { code: 'assurances', name: 'Assurances' },
        { code: 'civil', name: 'Civil' },
      ],
      clientIds: ['avocat-web'],
    });
    subscriptionId = (
      await service.addSubscription({
        subscriber: 'Cabinet Dupont',
        products: [{ code: 'dalloz-avocat' }],
        seats: 3,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'administrator-managed',
      })
    ).id;
    const admin = await app.app.get(IdentityService).createActiveAccount({
      email: 'jp.dupont@example.fr',
      identifier: 'jp.dupont',
      password: PASSWORD,
      givenName: 'Jean-Pierre',
      familyName: 'Dupont',
    });
    await service.setMembership(subscriptionId, admin.id, [
      { productCode: 'dalloz-avocat', role: 'reader' },
      { productCode: 'dalloz-avocat', role: 'administrator' },
    ]);
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });

  it('invites, activates, and gives the product the subscriptions claim with the roles ticked', async () => {
    const admin = new HttpBrowser();
    let page = await admin.get(`${app.url}/compte/utilisateurs/${subscriptionId}/nouveau`, app.url);
    page = await admin.submit(page, /identifiant$/, { identifier: 'jp.dupont' }, app.url);
    page = await admin.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.match(page.body, /Créer un utilisateur/);
    const created = await admin.submit(page, /nouveau$/, {
      email: 'louis.martin@cabinet-dupont.fr',
      civility: 'monsieur',
      familyName: 'Martin',
      givenName: 'Louis',
      access: ['dalloz-avocat|civil|reader'],
    });
    assert.equal(created.status, 200, created.body.slice(0, 1500));

    const mail = await smtp.waitFor(sentTo('louis.martin@cabinet-dupont.fr'));
    assert.match(mail.text ?? '', /Jean-Pierre Dupont \(Cabinet Dupont\)/);
    const link = /\/invitation\/[\w-]{43}/.exec(mail.text ?? '')![0];
    const collaborator = new HttpBrowser();
    const form = await collaborator.get(`${app.url}${link}`);
    const done = await collaborator.submit(form, /\/invitation\//, {
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
      acceptTerms: 'oui',
      acceptPrivacy: 'oui',
    });
    assert.match(done.body, /Votre compte est activé/);

    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(product, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile subscriptions',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    page = await collaborator.get(url.toString(), app.url);
    page = await collaborator.submit(page, /identifiant$/, { identifier: 'louis.martin@cabinet-dupont.fr' }, app.url);
    page = await collaborator.submit(page, /mot-de-passe$/, { password: NEW_PASSWORD }, app.url);
    if (!page.location) page = await collaborator.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    const tokens = await client.authorizationCodeGrant(product, new URL(page.location!), {
      pkceCodeVerifier: verifier,
    });
    assert.deepEqual(tokens.claims()!.subscriptions, [
      {
        subscription_id: subscriptionId,
        subscriber: 'Cabinet Dupont',
        product: 'dalloz-avocat',
        roles: ['reader'],
        sections: ['civil'],
      },
    ]);
  });
});
