import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { DEVICE_COOKIE, IdentityService, SignInThrottle, THROTTLE_RULES } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { passwordCodeFlow } from '../support/code-flow';
import { HttpBrowser } from '../support/http-browser';
import { freePort } from '../support/ports';
import { startRoundRobinProxy } from '../support/round-robin-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, usesEmbeddedDatabase } from '../support/test-database';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';

async function registerSite(app: TestApp): Promise<client.Configuration> {
  const oidc = app.app.get(OidcProviderService);
  const { clientSecret } = await app.app
    .get(ClientRegistry)
    .add({ client_id: 'site', redirect_uris: [REDIRECT_URI] }, (m) => oidc.validateClient(m));
  return client.discovery(new URL(app.config.issuer), 'site', undefined, client.ClientSecretBasic(clientSecret), {
    execute: [client.allowInsecureRequests],
  });
}

/** The password page of a fresh authorization request, identifier typed. */
async function passwordPage(
  config: client.Configuration,
  app: TestApp,
  identifier: string,
  browser = new HttpBrowser(),
) {
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  const page = await browser.get(url.toString(), app.url);
  return { browser, page: await browser.submit(page, /identifiant$/, { identifier }, app.url) };
}

/** Statuses of the answers, counted. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe('Sign-in throttling under concurrency', () => {
  let app: TestApp;
  let config: client.Configuration;
  before(async () => {
    app = await startTestApp();
    config = await registerSite(app);
    await app.app
      .get(IdentityService)
      .createActiveAccount({ email: 'sam@example.fr', identifier: 'sam', password: PASSWORD });
  });
  after(async () => app.close());

  it('verifies at most the free attempts of 200 simultaneous wrong passwords, identifier and e-mail together; the owner’s device still signs in', async () => {
    // The owner signed in from this device before: it holds the device cookie.
    const owner = new HttpBrowser();
    const first = await passwordCodeFlow(config, app.url, {
      identifier: 'sam',
      password: PASSWORD,
      redirectUri: REDIRECT_URI,
      browser: owner,
    });
    assert.ok(first.tokens?.id_token);
    const device = owner.cookie(app.url, DEVICE_COOKIE);
    assert.ok(device, 'le navigateur reçoit le cookie d’appareil connu');

    // A stranger: 100 tries by identifier and 100 by e-mail, all at once.
    const byIdentifier = await passwordPage(config, app, 'sam');
    const byEmail = await passwordPage(config, app, 'SAM@example.fr');
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const { browser, page } = i % 2 ? byIdentifier : byEmail;
        return (await browser.submit(page, /mot-de-passe$/, { password: `faux-${i}` }, app.url)).status;
      }),
    );
    const counts = tally(statuses);
    assert.equal(counts[401], THROTTLE_RULES.account.free, JSON.stringify(counts));
    assert.equal(counts[429], 200 - THROTTLE_RULES.account.free, JSON.stringify(counts));

    // The stranger is made to wait, even with the right password.
    const stranger = await passwordPage(config, app, 'sam');
    const refused = await stranger.browser.submit(stranger.page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(refused.status, 429);
    assert.match(refused.body, /Trop de tentatives\. Réessayez dans \d+ minutes?\./);

    // The owner, on the device that signed in before (a new provider session), is not.
    const again = new HttpBrowser();
    again.setCookie(app.url, DEVICE_COOKIE, device);
    const { tokens } = await passwordCodeFlow(config, app.url, {
      identifier: 'sam@example.fr',
      password: PASSWORD,
      redirectUri: REDIRECT_URI,
      browser: again,
    });
    assert.ok(tokens?.id_token, 'le propriétaire se connecte depuis son appareil connu');
  });

  it('verifies at most the per-address attempts of 200 simultaneous wrong passwords for 50 accounts', async () => {
    await app.dataSource.query('DELETE FROM sign_in_throttle');
    const identity = app.app.get(IdentityService);
    const logins = Array.from({ length: 50 }, (_, i) => `compte${i}`);
    await app.dataSource.query(
      `INSERT INTO account (email, identifier, email_verified, password_hash, status)
       SELECT login || '@example.fr', login, true, (SELECT password_hash FROM account WHERE identifier = 'sam'), 'active'
       FROM unnest($1::text[]) AS login`,
      [logins],
    );
    assert.ok(await identity.authenticate('compte7', PASSWORD));
    await app.dataSource.query('DELETE FROM sign_in_throttle');
    const pages = await Promise.all(logins.map((login) => passwordPage(config, app, login)));
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const { browser, page } = pages[i % pages.length];
        return (await browser.submit(page, /mot-de-passe$/, { password: `faux-${i}` }, app.url)).status;
      }),
    );
    const counts = tally(statuses);
    assert.equal(counts[401], THROTTLE_RULES.address.free, JSON.stringify(counts));
    assert.equal(counts[429], 200 - THROTTLE_RULES.address.free, JSON.stringify(counts));
  });
});

describe('Other guessing surfaces', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await app.app
      .get(IdentityService)
      .createActiveAccount({ email: 'lea@example.fr', identifier: 'lea', password: PASSWORD });
  });
  after(async () => app.close());

  it('makes the account space wait after five wrong current passwords', async () => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'lea' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.match(page.body, /<h1>Mon compte<\/h1>/);
    const data = await browser.get(`${app.url}/compte/donnees`, app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const answer = await browser.submit(data, /supprimer$/, { confirm: 'oui', password: `faux-${i}` }, app.url);
      statuses.push(answer.status);
      if (answer.status === 429) assert.match(answer.body, /Trop de tentatives/);
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429, 429, 429]);
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM account WHERE identifier = 'lea'`,
    );
    assert.equal(n, 1);
  });

  it('counts recovery requests and SMS codes per address', async () => {
    const browser = new HttpBrowser();
    const form = await browser.get(`${app.url}/mot-de-passe-oublie`);
    const recovery: number[] = [];
    for (let i = 0; i < THROTTLE_RULES.recovery.free + 2; i++)
      recovery.push((await browser.submit(form, /mot-de-passe-oublie$/, { login: `inconnu-${i}` })).status);
    assert.deepEqual(recovery.slice(-3), [200, 429, 429]);

    const ticket = randomUUID();
    const page = await browser.get(`${app.url}/activation/code/${ticket}`);
    const codes: number[] = [];
    for (let i = 0; i < THROTTLE_RULES.code.free + 1; i++)
      codes.push((await browser.submit(page, /code\/[\w-]+$/, { code: '123456' })).status);
    assert.deepEqual(codes.slice(-2), [400, 429]);
  });

  it('sends the holder of an address at most a few « adresse déjà utilisée » e-mails an hour', async () => {
    for (let i = 0; i < 6; i++) {
      const browser = new HttpBrowser();
      const form = await browser.get(`${app.url}/inscription/citoyen`);
      const page = await browser.submit(form, /\/inscription\/citoyen$/, {
        civility: 'madame',
        familyName: 'Autre',
        givenName: 'Personne',
        birthDate: '1985-04-12',
        email: 'lea@example.fr',
        mobilePhone: '',
        identifier: '',
        password: 'Chaussette-Volante-7',
        passwordConfirmation: 'Chaussette-Volante-7',
        acceptTerms: 'oui',
        acceptPrivacy: 'oui',
        activationChannel: 'email',
      });
      assert.equal(page.status, 200);
    }
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox_message WHERE template = 'registration-email-taken'`,
    );
    assert.equal(n, THROTTLE_RULES.takenEmail.free);
  });

  it('lets the owner back in after a password reset, however often a stranger fails on the account', async () => {
    const throttle = app.app.get(SignInThrottle);
    const nora = await app.app
      .get(IdentityService)
      .createActiveAccount({ email: 'nora@example.fr', identifier: 'nora', password: PASSWORD });
    const wrong = () => throttle.signIn('nora', { address: '203.0.113.9' }, async () => undefined);
    for (let i = 0; i < THROTTLE_RULES.account.free; i++) assert.equal((await wrong()).status, 'wrong');
    assert.equal((await wrong()).status, 'refused');
    // From a new browser elsewhere, the owner is held back too, until the mailbox proves them (the reset link).
    const right = (device?: string) =>
      throttle.signIn('nora', { address: '198.51.100.7', device }, async () => ({ id: nora.id }));
    assert.equal((await right()).status, 'refused');
    const device = await throttle.ownerProven(nora.id);
    assert.equal((await right(device)).status, 'verified');
    assert.equal((await wrong()).status, 'wrong', 'the account’s counter started again');
  });

  it('counts an IPv6 sender by its /64 prefix, so rotating addresses in it does not reset the count', async () => {
    const throttle = app.app.get(SignInThrottle);
    const statuses: string[] = [];
    for (let i = 1; i <= THROTTLE_RULES.address.free + 5; i++) {
      const address = `2001:db8:7:9::${i.toString(16)}`;
      statuses.push((await throttle.signIn(`inconnu-v6-${i}`, { address }, async () => undefined)).status);
    }
    assert.equal(statuses.filter((s) => s === 'wrong').length, THROTTLE_RULES.address.free);
    assert.equal(statuses.filter((s) => s === 'refused').length, 5);
  });

  it('forgets counters quiet for more than an hour', async () => {
    const [{ n: before }] = await app.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM sign_in_throttle',
    );
    assert.ok(before > 0);
    await app.dataSource.query(
      `UPDATE sign_in_throttle SET last_failure_at = now() - interval '61 minutes', blocked_until = NULL`,
    );
    await app.app.get(SignInThrottle).purgeForgotten();
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM sign_in_throttle');
    assert.equal(n, 0);
  });
});

describe('Client address behind a proxy (TRUST_PROXY=1)', () => {
  let app: TestApp;
  let config: client.Configuration;
  before(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: '1' } });
    config = await registerSite(app);
  });
  after(async () => app.close());

  it('takes the address the proxy saw, not one the client made up, so a new X-Forwarded-For does not reset the count', async () => {
    const { browser, page } = await passwordPage(config, app, 'personne');
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      // The client writes any left-most address; the proxy appends the one it saw.
      browser.headers = { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` };
      const answer = await browser.submit(page, /mot-de-passe$/, { identifier: `inconnu-${i}`, password: 'faux' });
      statuses.push(answer.status);
    }
    const counts = tally(statuses);
    assert.equal(counts[401], THROTTLE_RULES.address.free, JSON.stringify(counts));
    assert.equal(counts[429], 40 - THROTTLE_RULES.address.free, JSON.stringify(counts));
  });
});

describe(
  'Sign-in throttling on two instances over one PostgreSQL',
  { skip: usesEmbeddedDatabase() && 'la base embarquée sert une seule instance' },
  () => {
    it('verifies at most the free attempts of 200 simultaneous wrong passwords spread over both instances', async () => {
      const database = await createTestDatabase();
      const port = await freePort();
      const env = { PUBLIC_URL: `http://127.0.0.1:${port}`, SECRET_KEY: randomBytes(32).toString('base64url') };
      const first = await startTestApp({ database, env });
      const second = await startTestApp({ database, env });
      const proxy = await startRoundRobinProxy(port, [first.url, second.url]);
      try {
        const config = await registerSite(first);
        await first.app
          .get(IdentityService)
          .createActiveAccount({ email: 'sam@example.fr', identifier: 'sam', password: PASSWORD });
        const through: TestApp = { ...first, url: env.PUBLIC_URL };
        const { browser, page } = await passwordPage(config, through, 'sam');
        const statuses = await Promise.all(
          Array.from(
            { length: 200 },
            async (_, i) => (await browser.submit(page, /mot-de-passe$/, { password: `faux-${i}` })).status,
          ),
        );
        const counts = tally(statuses);
        assert.equal(counts[401], THROTTLE_RULES.account.free, JSON.stringify(counts));
        assert.ok(proxy.hits[0] > 50 && proxy.hits[1] > 50, `requêtes : ${proxy.hits.join(' / ')}`);
      } finally {
        await proxy.close();
        await first.close();
        await second.close();
        await database.drop();
      }
    });
  },
);
