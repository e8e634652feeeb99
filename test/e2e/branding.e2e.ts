import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import * as client from 'openid-client';
import request from 'supertest';
import { clientSpaceCommands, FirmsService } from '../../src/modules/client-space';
import { IdentityService } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { SubscriptionsService, subscriptionsCommands } from '../../src/modules/subscriptions';
import type { CliRuntime } from '../../src/platform/cli/cli-context';
import { CliError } from '../../src/platform/cli/cli-error';
import type { DatabaseEndpoint } from '../../src/platform/database/database-endpoint';
import { apiToken, registerApiClient } from '../support/api';
import { makeFirm, signInTo } from '../support/client-space';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Chaussette-Volante-7';

/**
 * Branding per product and per firm (issue 19): the sign-in pages of a product's site wear the product's brand in
 * their header (name, logo, colour) while « Pour accéder à <site> » keeps the site's own name and logo; a site of
 * another product, or of none, keeps the deployment's. A colour below WCAG 2.1 AA is refused everywhere it can be
 * set (command line, JSON API, the firm's form) and nothing is stored.
 */
describe('Branding per product and per firm', () => {
  let app: TestApp;
  const configs: Record<string, client.Configuration> = {};
  let program: () => Command;

  before(async () => {
    app = await startTestApp({ env: { BRAND_NAME: 'Éditions Démo' } });
    const oidc = app.app.get(OidcProviderService);
    for (const [clientId, name, logo] of [
      ['site-avocat', 'avocat.fr', 'https://avocat.example.fr/logo.png'],
      ['site-fiscal', 'fiscal.fr', undefined],
      ['site-libre', 'Site libre', undefined],
    ] as const) {
      const { clientSecret } = await app.app.get(ClientRegistry).add(
        {
          client_id: clientId,
          client_name: name,
          redirect_uris: [REDIRECT_URI],
          ...(logo ? { logo_uri: logo } : {}),
        },
        (m) => oidc.validateClient(m),
      );
      configs[clientId] = await client.discovery(
        new URL(app.config.issuer),
        clientId,
        undefined,
        client.ClientSecretBasic(clientSecret),
        { execute: [client.allowInsecureRequests] },
      );
    }
    const subscriptions = app.app.get(SubscriptionsService);
    await subscriptions.addProduct({
      code: 'avocat',
      name: 'avocat.fr',
      url: 'https://avocat.example.fr/',
      clientIds: ['site-avocat'],
      subscriptionRequired: false,
      brand: { name: 'Dalloz Avocat', logoUrl: '/assets/exemple-logo.svg', primaryColor: '#7A1F5C' },
    });
    await subscriptions.addProduct({
      code: 'fiscal',
      name: 'fiscal.fr',
      url: 'https://fiscal.example.fr/',
      clientIds: ['site-fiscal'],
      subscriptionRequired: false,
    });
    await app.app.get(IdentityService).createActiveAccount({
      email: 'nina.roux@example.fr',
      identifier: 'nina.roux',
      password: PASSWORD,
      givenName: 'Nina',
      familyName: 'Roux',
    });
    const runtime: CliRuntime = {
      config: () => app.config,
      withApplication: (work) => work(app.app, undefined as unknown as DatabaseEndpoint),
      withDataSource: (work) => work(app.dataSource),
      runningInstance: true,
    };
    program = () => {
      const root = new Command('cli').exitOverride();
      for (const command of [...subscriptionsCommands(runtime), ...clientSpaceCommands(runtime)])
        root.addCommand(command.exitOverride());
      return root;
    };
  });
  after(async () => app?.close());

  /** Runs one command; returns what it printed, or the CliError it refused with. */
  async function run(...argv: string[]): Promise<{ out: string; error?: string }> {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
    try {
      await program().parseAsync(argv, { from: 'user' });
      return { out: lines.join('\n') };
    } catch (error) {
      if (error instanceof CliError) return { out: lines.join('\n'), error: error.message };
      throw error;
    } finally {
      console.log = log;
    }
  }

  /** The identifier page of an authorization request of `clientId`, in a fresh browser. */
  async function signInPage(clientId: string) {
    const browser = new HttpBrowser();
    const url = client.buildAuthorizationUrl(configs[clientId], {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const page = await browser.get(url.toString(), app.url);
    assert.equal(page.status, 200, page.body.slice(0, 500));
    return { browser, page };
  }

  const header = (body: string) => /<header[\s\S]*?<\/header>/.exec(body)?.[0] ?? '';
  const count = async (sql: string, params: unknown[] = []) =>
    (await app.dataSource.query<Array<{ n: number }>>(sql, params))[0].n;

  describe('the sign-in pages of a relying party', () => {
    it('wear its product’s name, logo and colour, and keep the site’s name and logo in « Pour accéder à »', async () => {
      const { browser, page } = await signInPage('site-avocat');
      assert.match(page.body, /<title>[^<]* - Dalloz Avocat<\/title>/);
      assert.match(
        header(page.body),
        /<img class="brand-logo" src="\/assets\/exemple-logo.svg" alt="" height="40">Dalloz Avocat/,
      );
      assert.doesNotMatch(header(page.body), /Éditions Démo/);
      assert.match(page.body, /<link rel="stylesheet" href="\/theme\/marque.css\?couleur=7a1f5c">/);
      assert.match(page.body, /<img class="relying-party-logo" src="https:\/\/avocat.example.fr\/logo.png"/);
      assert.match(page.body, /<strong>avocat.fr<\/strong>/);
      const css = await request(app.url).get('/theme/marque.css?couleur=7a1f5c');
      assert.equal(css.status, 200);
      assert.match(css.text, /--brand-primary: #7a1f5c;/);
      // The password page and the consent page of the same request too.
      const password = await browser.submit(page, /identifiant$/, { identifier: 'nina.roux' }, app.url);
      assert.match(header(password.body), /Dalloz Avocat/);
      assert.match(password.body, /marque.css\?couleur=7a1f5c/);
      const consent = await browser.submit(password, /mot-de-passe$/, { password: PASSWORD }, app.url);
      assert.equal(consent.status, 200);
      assert.match(consent.body, /consentement/);
      assert.match(header(consent.body), /Dalloz Avocat/);
      assert.match(consent.body, /marque.css\?couleur=7a1f5c/);
    });

    it('of another product, or of none, keep the deployment’s brand', async () => {
      for (const clientId of ['site-fiscal', 'site-libre']) {
        const { page } = await signInPage(clientId);
        assert.match(page.body, /<title>[^<]* - Éditions Démo<\/title>/, clientId);
        assert.match(header(page.body), /Éditions Démo/, clientId);
        assert.doesNotMatch(page.body, /Dalloz Avocat|exemple-logo|marque.css/, clientId);
      }
    });

    it('follow a change of the product’s brand at once (products:set-brand), and lose it when emptied', async () => {
      const set = await run('products:set-brand', '--code', 'fiscal', '--name', 'Fiscal Pro', '--color', '#1f4e79');
      assert.equal(set.error, undefined);
      assert.match(set.out, /Marque du produit fiscal : Fiscal Pro, #1f4e79/);
      let { page } = await signInPage('site-fiscal');
      assert.match(header(page.body), /Fiscal Pro/);
      assert.match(page.body, /marque.css\?couleur=1f4e79/);
      assert.match((await run('products:list')).out, /fiscal {2}fiscal\.fr .* marque: Fiscal Pro, #1f4e79/);
      await run('products:set-brand', '--code', 'fiscal');
      ({ page } = await signInPage('site-fiscal'));
      assert.match(header(page.body), /Éditions Démo/);
      assert.doesNotMatch(page.body, /Fiscal Pro|marque.css/);
    });
  });

  describe('a brand colour below WCAG 2.1 AA', () => {
    it('is refused by products:add and products:set-brand, naming the ratio, with nothing stored', async () => {
      const before = await count(`SELECT count(*)::int AS n FROM product`);
      const added = await run(
        ...['products:add', '--code', 'pale', '--name', 'Pâle', '--url', 'https://pale.example.fr/'],
        ...['--brand-color', '#777777'],
      );
      assert.match(
        added.error ?? '',
        /^Erreur : Couleur de la marque refusée : le contraste de #777777 avec le blanc est de 4,47:1/,
      );
      assert.equal(await count(`SELECT count(*)::int AS n FROM product`), before);
      const logo = await run(
        ...['products:add', '--code', 'pale', '--name', 'Pâle', '--url', 'https://pale.example.fr/'],
        ...['--brand-logo', 'http://pale.example.fr/logo.png'],
      );
      assert.match(logo.error ?? '', /Logo de la marque refusé/);
      assert.equal(await count(`SELECT count(*)::int AS n FROM product`), before);
      const set = await run('products:set-brand', '--code', 'avocat', '--color', '#ffdd00');
      assert.match(set.error ?? '', /sous le minimum WCAG 2\.1 AA de 4,5:1/);
      const [row] = await app.dataSource.query<Array<{ brand_primary_color: string }>>(
        `SELECT brand_primary_color FROM product WHERE code = 'avocat'`,
      );
      assert.equal(row.brand_primary_color, '#7a1f5c');
    });

    it('is refused by the publisher API (400 problem in French), nothing created; a good brand is stored and read', async () => {
      const rw = 'subscriptions:read subscriptions:write';
      const token = await apiToken(app, await registerApiClient(app, 'editeur', rw), rw);
      const before = await count(`SELECT count(*)::int AS n FROM product`);
      const post = (body: object) =>
        request(app.url).post('/api/v1/products').set('Authorization', `Bearer ${token}`).send(body);
      const base = { code: 'revue', name: 'Revue', url: 'https://revue.example.fr/' };
      const pale = await post({ ...base, brand: { primary_color: '#ffdd00' } });
      assert.equal(pale.status, 400, JSON.stringify(pale.body));
      assert.match(pale.headers['content-type'], /^application\/problem\+json/);
      assert.match(
        pale.body.detail,
        /Couleur de la marque refusée : le contraste de #ffdd00 avec le blanc est de 1,\d\d:1/,
      );
      const logo = await post({ ...base, brand: { logo_url: 'javascript:alert(1)' } });
      assert.equal(logo.status, 400);
      assert.match(logo.body.detail, /Logo de la marque refusé/);
      const shape = await post({ ...base, brand: 'rouge' });
      assert.equal(shape.status, 400);
      assert.equal(await count(`SELECT count(*)::int AS n FROM product`), before);

      const created = await post({
        ...base,
        brand: { name: 'La Revue', logo_url: 'https://revue.example.fr/logo.svg', primary_color: '#7A1F5C' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.brand, {
        name: 'La Revue',
        logo_url: 'https://revue.example.fr/logo.svg',
        primary_color: '#7a1f5c',
      });
      const read = await request(app.url)
        .get(`/api/v1/products/${created.body.id}`)
        .set('Authorization', `Bearer ${token}`);
      assert.deepEqual(read.body.brand, created.body.brand);
      const plain = await request(app.url).get(`/api/v1/products?limit=50`).set('Authorization', `Bearer ${token}`);
      const fiscal = (plain.body.data as Array<{ code: string; brand: unknown }>).find((p) => p.code === 'fiscal');
      assert.deepEqual(fiscal?.brand, { name: null, logo_url: null, primary_color: null });
    });

    it('is refused for a firm by firms:add and by the firm’s form, with nothing changed', async () => {
      const firms = async () => count(`SELECT count(*)::int AS n FROM firm`);
      const before = await firms();
      const cli = await run('firms:add', '--name', 'Cabinet Pâle', '--color', '#ffdd00');
      assert.match(cli.error ?? '', /^Couleur refusée : le contraste de #ffdd00 avec le blanc est de 1,\d\d:1/);
      assert.equal(await firms(), before);
      await assert.rejects(
        app.app.get(FirmsService).addFirm({ name: 'Cabinet Gris', primaryColor: '#777' }),
        (error: { fields?: Record<string, string[]> }) => /4,47:1/.test(error.fields?.primaryColor?.[0] ?? ''),
      );
      assert.equal(await firms(), before);

      const { firm } = await makeFirm(app, 'Cabinet Delmas', 'fabien.delmas');
      const staff = await signInTo(app, '/espace-cabinet', 'fabien.delmas');
      const base = `${app.url}/espace-cabinet/cabinets/${firm.id}`;
      const form = await staff.get(`${base}/apparence`);
      assert.equal(form.status, 200);
      const refused = await staff.submit(
        form,
        /apparence$/,
        { name: 'Cabinet Delmas & Associés', primaryColor: '#ffdd00' },
        app.url,
        {},
      );
      assert.equal(refused.status, 400);
      assert.match(refused.body, /Couleur refusée : le contraste de #ffdd00 avec le blanc est de 1,\d\d:1/);
      assert.match(refused.body, /value="#ffdd00"/);
      const [row] = await app.dataSource.query<Array<{ name: string; primary_color: string }>>(
        `SELECT name, primary_color FROM firm WHERE id = $1`,
        [firm.id],
      );
      assert.deepEqual(row, { name: 'Cabinet Delmas', primary_color: '#1f4e79' });
      const accepted = await staff.submit(
        form,
        /apparence$/,
        { name: 'Cabinet Delmas', primaryColor: '#7A1F5C' },
        app.url,
        {},
      );
      assert.equal(accepted.status, 200, accepted.body.slice(0, 300));
      const [saved] = await app.dataSource.query<Array<{ primary_color: string }>>(
        `SELECT primary_color FROM firm WHERE id = $1`,
        [firm.id],
      );
      assert.equal(saved.primary_color, '#7a1f5c');
    });
  });
});
