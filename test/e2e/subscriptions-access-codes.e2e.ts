import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import {
  AccessCodesService,
  SubscriptionsClock,
  SubscriptionsError,
  SubscriptionsService,
} from '../../src/modules/subscriptions';
import { HttpBrowser } from '../support/http-browser';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
type HttpPage = Awaited<ReturnType<HttpBrowser['get']>>;

/**
 * A subscription's access codes (« codes d'accès ») in front of real relying parties: the e-mail with the mode's
 * paragraph, a shared provider session whose subject is not a person, the `subscriptions` claim with `"shared": true`
 * and no personal claim, and a session limited to the subscription's products while it runs.
 */
describe('Subscriptions: access codes give a shared session limited to the subscription’s products', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let service: SubscriptionsService;
  let codes: AccessCodesService;
  const configs: Record<string, client.Configuration> = {};
  let cabinet: string;
  let other: string;

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    app.app.get(OutboxWorker).start();
    app.app.get(SubscriptionsClock).now = () => new Date('2026-06-15T10:00:00Z');
    const oidc = app.app.get(OidcProviderService);
    for (const [clientId, name] of [
      ['avocat-web', 'Dalloz Avocat'],
      ['civil-web', 'Code civil en ligne'],
      ['annuaire', 'Annuaire'],
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
    service = app.app.get(SubscriptionsService);
    codes = app.app.get(AccessCodesService);
    await service.addProduct({
      code: 'dalloz-avocat',
      name: 'Dalloz Avocat',
      url: 'https://avocat.example.fr/',
      sections: [
        { code: 'assurances', name: 'Assurances' },
        { code: 'civil', name: 'Civil' },
        { code: 'penal', name: 'Pénal' },
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
        subscriber: 'Cabinet Dupont',
        products: [{ code: 'dalloz-avocat', sections: ['assurances', 'civil'] }],
        seats: 3,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'self-declaration',
      })
    ).id;
    other = (
      await service.addSubscription({
        subscriber: 'Étude Martin',
        products: [{ code: 'code-civil' }],
        seats: 3,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'no-personal-account',
      })
    ).id;
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });

  async function start(clientId: string, params: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(configs[clientId], {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email subscriptions',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...params,
    });
    return { url: url.toString(), verifier };
  }

  async function signIn(browser: HttpBrowser, clientId: string, credentials?: { login: string; password: string }) {
    const flow = await start(clientId);
    let page: HttpPage = await browser.get(flow.url, app.url);
    if (credentials) {
      page = await browser.submit(page, /identifiant$/, { identifier: credentials.login }, app.url);
      page = await browser.submit(page, /mot-de-passe$/, { password: credentials.password }, app.url);
    }
    if (!page.location && /consentement/.test(page.body))
      page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    return {
      page,
      tokens: page.location?.startsWith(REDIRECT_URI)
        ? await client.authorizationCodeGrant(configs[clientId], new URL(page.location), {
            pkceCodeVerifier: flow.verifier,
          })
        : undefined,
    };
  }

  it('sends the codes by e-mail with the paragraph of the subscription’s mode, and keeps only a hash', async () => {
    const worker = app.app.get(OutboxWorker);
    worker.stop();
    const issued = await codes.issue(cabinet, { email: 'Abonnements@Cabinet-Dupont.fr' });
    // Until delivered, the outbox row keeps the password sealed (SECRET_KEY), never in clear.
    const [queued] = await app.dataSource.query<Array<{ status: string; data: Record<string, unknown>; row: string }>>(
      `SELECT status, data, m::text AS row FROM outbox_message m
        WHERE template = 'subscription-access-codes' AND recipient = 'abonnements@cabinet-dupont.fr'`,
    );
    assert.equal(queued.status, 'pending');
    assert.equal(queued.data.password, undefined);
    assert.match(String(queued.data._sealed), /^v1\./);
    assert.ok(!queued.row.includes(issued.password), 'no password in clear in the queued row');
    worker.start();
    assert.match(issued.login, /^ABO-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    assert.match(issued.password, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const mail = await smtp.waitFor(sentTo('abonnements@cabinet-dupont.fr'));
    assert.match(mail.subject ?? '', /codes d’accès/);
    assert.ok(mail.text?.includes(issued.login) && mail.text.includes(issued.password));
    assert.match(mail.text ?? '', /mode « Auto-déclaration »/);
    assert.match(mail.text ?? '', /« Créer mon compte »/);
    // The outbox row never holds the password in clear, and holds it not at all once the e-mail is delivered.
    let message: { status: string; data: Record<string, unknown>; row: string } | undefined;
    for (let tries = 0; tries < 100 && message?.status !== 'sent'; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      [message] = await app.dataSource.query<Array<{ status: string; data: Record<string, unknown>; row: string }>>(
        `SELECT status, data, m::text AS row FROM outbox_message m
          WHERE template = 'subscription-access-codes' AND recipient = 'abonnements@cabinet-dupont.fr'`,
      );
    }
    assert.equal(message?.status, 'sent');
    assert.equal(message.data.login, issued.login, 'the rest of the message is kept');
    assert.equal(message.data.password, undefined);
    assert.equal(message.data._sealed, undefined, 'the sealed password is erased once delivered');
    assert.ok(!message.row.includes(issued.password), 'no trace of the password in the row');
    const [row] = await app.dataSource.query<Array<{ secret_hash: string }>>(
      'SELECT secret_hash FROM access_code WHERE subscription_id = $1',
      [cabinet],
    );
    assert.match(row.secret_hash, /^\$argon2id\$/);
    assert.ok(!row.secret_hash.includes(issued.password.replace(/-/g, '')));
    assert.match((await codes.issue(other)).modeParagraph.title, /Pas de compte personnel/);
  });

  it('signs in with the codes: the product gets the subscription, shared, and nothing personal', async () => {
    const issued = await codes.issue(cabinet);
    const browser = new HttpBrowser();
    // Typed as on the letter, in lower case, with spaces: still the codes.
    const login = issued.login.toLowerCase().replace(/-/g, ' ');
    const { tokens, page } = await signIn(browser, 'avocat-web', { login, password: issued.password.toLowerCase() });
    assert.ok(tokens, page.body);
    const claims = tokens.claims()!;
    assert.match(claims.sub, /^access-codes:/);
    const expected = [
      {
        subscription_id: cabinet,
        subscriber: 'Cabinet Dupont',
        product: 'dalloz-avocat',
        roles: ['reader'],
        sections: ['assurances', 'civil'],
        shared: true,
      },
    ];
    assert.deepEqual(claims.subscriptions, expected);
    for (const personal of ['email', 'name', 'given_name', 'family_name', 'preferred_username'])
      assert.equal(claims[personal], undefined, personal);
    const info = await client.fetchUserInfo(configs['avocat-web'], tokens.access_token, claims.sub);
    assert.deepEqual(info.subscriptions, expected);
    assert.deepEqual(Object.keys(info).sort(), ['sub', 'subscriptions']);
    // No account carries this subject.
    assert.equal(await app.app.get(IdentityService).findByLogin(issued.login), undefined);
  });

  it('refuses the shared session on a product of another subscription, on a site of no product and on the account space', async () => {
    const issued = await codes.issue(cabinet);
    const browser = new HttpBrowser();
    assert.ok((await signIn(browser, 'avocat-web', issued)).tokens);
    for (const clientId of ['civil-web', 'annuaire']) {
      const page = await browser.get((await start(clientId)).url, app.url);
      assert.equal(page.status, 403, clientId);
      assert.equal(page.location, undefined);
      assert.match(page.body, /codes d’accès/);
    }
    // The account space: its sign-in goes through the provider, which refuses the shared session there too.
    let page = await browser.get(`${app.url}/compte/connexion`, app.url);
    while (page.location && page.location.startsWith(app.url) && page.status >= 300 && page.status < 400)
      page = await browser.get(page.location, app.url);
    assert.equal(page.status, 403);
    assert.match(page.body, /compte personnel/);
  });

  it('refuses wrong codes like a wrong password, and the old codes once they are issued again', async () => {
    const first = await codes.issue(cabinet);
    const wrong = await signIn(new HttpBrowser(), 'avocat-web', { login: first.login, password: 'AAAA-BBBB-CCCC' });
    assert.equal(wrong.page.status, 401);
    assert.match(wrong.page.body, /Identifiant ou mot de passe incorrect/);

    const browser = new HttpBrowser();
    const before = await signIn(browser, 'avocat-web', first);
    assert.ok(before.tokens);
    const second = await codes.issue(cabinet);
    assert.notEqual(second.login, first.login);
    assert.equal((await signIn(new HttpBrowser(), 'avocat-web', first)).page.status, 401);
    // What the site holds from the old codes stops working, and the old shared session no longer reaches the product.
    await assert.rejects(
      client.fetchUserInfo(configs['avocat-web'], before.tokens.access_token, before.tokens.claims()!.sub),
    );
    assert.equal((await browser.get((await start('avocat-web')).url, app.url)).status, 403);
    assert.ok((await signIn(new HttpBrowser(), 'avocat-web', second)).tokens);
  });

  it('switches from the shared session to a personal account with prompt=login, without signing out first', async () => {
    const issued = await codes.issue(cabinet);
    const person = await app.app.get(IdentityService).createActiveAccount({
      email: 'bascule@cabinet-dupont.fr',
      identifier: 'bascule.dupont',
      password: 'Un-Mot-de-passe-3',
      givenName: 'Paul',
      familyName: 'Bascule',
    });
    await service.setMembership(cabinet, person.id, [{ productCode: 'dalloz-avocat', role: 'reader' }]);
    try {
      await switchToPersonalAccount(issued, person.id);
    } finally {
      await service.removeMembership(cabinet, person.id);
    }
  });

  async function switchToPersonalAccount(issued: { login: string; password: string }, personId: string) {
    const browser = new HttpBrowser();
    const shared = await signIn(browser, 'avocat-web', issued);
    assert.match(shared.tokens!.claims()!.sub, /^access-codes:/);

    // The site asks for a sign-in again (« Se connecter avec mon compte personnel »), in the same browser.
    const flow = await start('avocat-web', { prompt: 'login' });
    let page: HttpPage = await browser.get(flow.url, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'bascule@cabinet-dupont.fr' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: 'Un-Mot-de-passe-3' }, app.url);
    // The provider may first end the other subject's session with a self-submitting form, as a browser would send it.
    for (let hops = 0; hops < 3 && !page.location && /end_session|session\/end/.test(page.body); hops++)
      page = await browser.submit(page, /end/, {}, app.url);
    if (!page.location && /consentement/.test(page.body))
      page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
    assert.ok(
      page.location?.startsWith(REDIRECT_URI),
      `${page.status} ${page.url} ${/<main[\s\S]*<\/main>/.exec(page.body)?.[0]}`,
    );
    const tokens = await client.authorizationCodeGrant(configs['avocat-web'], new URL(page.location!), {
      pkceCodeVerifier: flow.verifier,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.sub, personId);
    assert.deepEqual(claims.subscriptions, [
      {
        subscription_id: cabinet,
        subscriber: 'Cabinet Dupont',
        product: 'dalloz-avocat',
        roles: ['reader'],
        sections: ['assurances', 'civil'],
      },
    ]);
    // The browser's provider session is now the person's: single sign-on gives the person, not the codes.
    const again = await signIn(browser, 'avocat-web');
    assert.equal(again.tokens?.claims()?.sub, personId);
  }

  it('refuses the codes once the subscription has ended or before it starts; they work in « pas de compte personnel »', async () => {
    const civil = await codes.issue(other);
    assert.ok(
      (await signIn(new HttpBrowser(), 'civil-web', civil)).tokens,
      'no personal account: the codes are the way in',
    );
    const issued = await codes.issue(cabinet);
    const browser = new HttpBrowser();
    const before = await signIn(browser, 'avocat-web', issued);
    assert.ok(before.tokens);
    const clock = app.app.get(SubscriptionsClock);
    try {
      for (const day of ['2027-01-01T10:00:00Z', '2025-12-31T12:00:00Z']) {
        clock.now = () => new Date(day);
        assert.equal((await browser.get((await start('avocat-web')).url, app.url)).status, 403, day);
        await assert.rejects(
          client.fetchUserInfo(configs['avocat-web'], before.tokens.access_token, before.tokens.claims()!.sub),
        );
      }
    } finally {
      clock.now = () => new Date('2026-06-15T10:00:00Z');
    }
  });

  describe('« Créer mon compte » (auto-déclaration)', () => {
    const NEW_PASSWORD = 'Un-Mot-de-passe-2';
    const form = (email: string) => ({
      email,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
      civility: 'madame',
      familyName: 'Pierre',
      givenName: 'Armelle',
      occupation: 'Avocat',
      jobTitle: 'Collaboratrice',
      acceptTerms: 'oui',
      acceptPrivacy: 'oui',
    });

    it('creates the personal account from the shared session; once activated, it signs in to the product as a member', async () => {
      const issued = await codes.issue(cabinet);
      const browser = new HttpBrowser();
      assert.ok((await signIn(browser, 'avocat-web', issued)).tokens);
      const page = await browser.get(`${app.url}/abonnements/creer-mon-compte`);
      assert.equal(page.status, 200, page.body.slice(0, 500));
      assert.match(page.body, /Créer mon compte personnel/);
      assert.match(page.body, /Codes d’accès personnels/);
      assert.match(page.body, /Métier/);

      const bad = await browser.submit(page, /creer-mon-compte$/, {
        ...form('pas-une-adresse'),
        passwordConfirmation: 'x',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /adresse électronique valide/);
      assert.match(bad.body, /ne sont pas identiques/);
      assert.match(bad.body, /value="Pierre"/, 'what was typed is kept');

      const done = await browser.submit(page, /creer-mon-compte$/, form('armelle.pierre@cabinet-dupont.fr'));
      assert.equal(done.status, 200, done.body.slice(0, 1500));
      assert.match(done.body, /Vérifiez votre messagerie/);
      const seatsHeld = await service.getSubscription(cabinet);
      assert.equal(seatsHeld.seatsUsed, 1, 'the seat is held until activation');

      const mail = await smtp.waitFor(sentTo('armelle.pierre@cabinet-dupont.fr'));
      const link = /(http:\/\/127\.0\.0\.1:\d+\/activation\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1];
      const confirm = await browser.get(link);
      const activated = await browser.submit(confirm, /\/activation\//, {});
      assert.match(activated.body, /Votre compte est activé/);

      const person = new HttpBrowser();
      const flow = await start('avocat-web');
      let step: HttpPage = await person.get(flow.url, app.url);
      step = await person.submit(step, /identifiant$/, { identifier: 'armelle.pierre@cabinet-dupont.fr' }, app.url);
      step = await person.submit(step, /mot-de-passe$/, { password: NEW_PASSWORD }, app.url);
      if (!step.location) step = await person.submit(step, /consentement$/, { decision: 'autoriser' }, app.url);
      assert.ok(step.location?.startsWith(REDIRECT_URI), step.body.slice(0, 1500));
      const tokens = await client.authorizationCodeGrant(configs['avocat-web'], new URL(step.location!), {
        pkceCodeVerifier: flow.verifier,
      });
      const claims = tokens.claims()!;
      const info = await client.fetchUserInfo(configs['avocat-web'], tokens.access_token, claims.sub);
      assert.equal(info.email, 'armelle.pierre@cabinet-dupont.fr');
      assert.deepEqual(claims.subscriptions, [
        {
          subscription_id: cabinet,
          subscriber: 'Cabinet Dupont',
          product: 'dalloz-avocat',
          roles: ['reader'],
          sections: ['assurances', 'civil'],
        },
      ]);
      const account = await app.app.get(IdentityService).findByLogin('armelle.pierre@cabinet-dupont.fr');
      assert.equal(account?.familyName, 'Pierre');
    });

    it('holds the seat limit: a full subscription refuses the form with a clear message and creates nothing', async () => {
      const full = (
        await service.addSubscription({
          subscriber: 'Cabinet Complet',
          products: [{ code: 'dalloz-avocat' }],
          seats: 1,
          startsOn: '2026-01-01',
          endsOn: '2026-12-31',
          accountMode: 'self-declaration',
        })
      ).id;
      const issued = await codes.issue(full);
      const browser = new HttpBrowser();
      assert.ok((await signIn(browser, 'avocat-web', issued)).tokens);
      const page = await browser.get(`${app.url}/abonnements/creer-mon-compte`);
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          browser.submit(page, /creer-mon-compte$/, form(`complet.${i}@cabinet-dupont.fr`)),
        ),
      );
      assert.equal(
        results.filter((r) => r.status === 200).length,
        1,
        results.map((r) => `${r.status} ${r.body.slice(0, 3000)}`).join('\n'),
      );
      const refused = results.find((r) => r.status !== 200)!;
      assert.equal(refused.status, 409, refused.body.slice(0, 3000));
      assert.match(refused.body, /Toutes les places de l’abonnement sont prises/);
      const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM account WHERE email LIKE 'complet.%'`,
      );
      assert.equal(n, 1, 'a refused form creates no account');
    });

    it('is refused without a shared session, with a personal session, and outside « auto-déclaration »', async () => {
      const signedOut = await new HttpBrowser().get(`${app.url}/abonnements/creer-mon-compte`);
      assert.equal(signedOut.status, 403);
      assert.match(signedOut.body, /Connectez-vous d’abord au site de votre abonnement avec les codes d’accès/);

      const civil = await codes.issue(other);
      const browser = new HttpBrowser();
      assert.ok((await signIn(browser, 'civil-web', civil)).tokens);
      const page = await browser.get(`${app.url}/abonnements/creer-mon-compte`);
      assert.equal(page.status, 403);
      assert.match(page.body, /« Pas de compte personnel »/);
      const forged = await browser.post(`${app.url}/abonnements/creer-mon-compte`, form('forge@cabinet-dupont.fr'));
      assert.ok(forged.status === 403 || forged.status === 400, String(forged.status));
      assert.equal(await app.app.get(IdentityService).findByLogin('forge@cabinet-dupont.fr'), undefined);
    });
  });

  it('refuses to issue codes for an unknown subscription or a bad address, in French', async () => {
    await assert.rejects(codes.issue('00000000-0000-4000-8000-00000000abcd'), SubscriptionsError);
    await assert.rejects(codes.issue('pas-un-id'), /introuvable/);
    await assert.rejects(codes.issue(cabinet, { email: 'pas une adresse' }), /Adresse électronique/);
  });
});
