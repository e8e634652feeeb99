import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { FirmsService } from '../../src/modules/client-space';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { SubscriptionsService } from '../../src/modules/subscriptions';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { acceptInvitation, makeFirm, PASSWORD } from '../support/client-space';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The main pages in a branded configuration (BRAND_*): the deployment's name, logo, colour and support contacts
 * instead of the platform's, screenshots kept as `marque-*`; axe checks every page (launchBrowser).
 */
describe('A branded deployment in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    app = await startTestApp({
      env: {
        BRAND_NAME: 'Assurances Exemple',
        BRAND_LOGO: '/assets/exemple-logo.svg',
        BRAND_PRIMARY_COLOR: '#7a1f5c',
        BRAND_SUPPORT_EMAIL: 'aide@assurances.example',
        BRAND_SUPPORT_PHONE: '01 23 45 67 89',
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the brand’s name, logo, colour and support contacts on the main pages', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 404/.test(message.text())) problems.push(message.text());
    });
    await page.goto(`${app.url}/`);
    assert.equal(await page.title(), 'Accueil - Assurances Exemple');
    assert.equal(await page.locator('header .fr-header__service-title').innerText(), 'Assurances Exemple');
    assert.equal(await page.locator('header img.brand-logo').getAttribute('src'), '/assets/exemple-logo.svg');
    assert.equal(
      await page.evaluate<string>(`getComputedStyle(document.querySelector('main .fr-btn')).backgroundColor`),
      'rgb(122, 31, 92)',
    );
    const footer = await page.locator('footer').innerText();
    assert.match(footer, /aide@assurances\.example/);
    assert.match(footer, /01 23 45 67 89/);
    await screenshot(page, 'marque-accueil');
    for (const [path, name] of [
      ['/inscription', 'marque-inscription-profil'],
      ['/inscription/citoyen', 'marque-inscription-citoyen'],
      ['/compte', 'marque-connexion'],
      ['/cgu', 'marque-cgu'],
      ['/accessibilite', 'marque-accessibilite'],
    ]) {
      await page.goto(`${app.url}${path}`);
      assert.match(await page.locator('header').innerText(), /Assurances Exemple/, path);
      await screenshot(page, name);
    }
    assert.match(await page.locator('main').innerText(), /Assurances Exemple est partiellement conforme/);
    assert.deepEqual(problems, []);
    await page.close();
  });
});

/** A PNG logo of `width`×`height`: a disc of `colour` on white, built by hand (no image library). */
function logoPng(width: number, height: number, colour: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour
  const radius = Math.min(width, height) / 2 - 2;
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.from([
      0,
      ...Array.from({ length: width }, (_, x) =>
        (x - width / 2) ** 2 + (y - height / 2) ** 2 <= radius ** 2 ? colour : [255, 255, 255],
      ).flat(),
    ]),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Brands per product and per firm (issue 19): the sign-in pages of a product's site wear the product's name, logo and
 * colour (« Pour accéder à » keeps the site's), a firm's client space its own; screenshots kept as `marque-produit-*`
 * and `marque-cabinet-*`, axe-core on each page.
 */
describe('Brands of a product and of a firm in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  let site: client.Configuration;
  const REDIRECT_URI = 'http://127.0.0.1:9/callback';
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  };
  const checked = async (page: Page, name: string) => {
    await screenshot(page, name);
    assert.deepEqual(await accessibilityViolations(page), [], `axe-core sur ${name}`);
  };

  before(async () => {
    app = await startTestApp({ env: { BRAND_NAME: 'Éditions Démo' } });
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app.get(ClientRegistry).add(
      {
        client_id: 'site-avocat',
        client_name: 'avocat.fr',
        logo_uri: `${app.url}/assets/favicon.svg`,
        redirect_uris: [REDIRECT_URI],
      },
      (m) => oidc.validateClient(m),
    );
    site = await client.discovery(
      new URL(app.config.issuer),
      'site-avocat',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    await app.app.get(SubscriptionsService).addProduct({
      code: 'avocat',
      name: 'avocat.fr',
      url: 'https://avocat.example.fr/',
      clientIds: ['site-avocat'],
      subscriptionRequired: false,
      brand: { name: 'Dalloz Avocat', logoUrl: '/assets/exemple-logo.svg', primaryColor: '#7a1f5c' },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    assert.deepEqual(problems, []);
  });

  it('shows the product’s name, logo and colour on its site’s sign-in pages', async () => {
    const page = await browser.newPage();
    watch(page);
    const url = client.buildAuthorizationUrl(site, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    await page.goto(url.toString());
    await page.waitForURL(/\/interaction\//);
    assert.equal(await page.locator('header .fr-header__service-title').innerText(), 'Dalloz Avocat');
    assert.equal(await page.locator('header img.brand-logo').getAttribute('src'), '/assets/exemple-logo.svg');
    assert.equal(
      await page.locator('main img.relying-party-logo').getAttribute('src'),
      `${app.url}/assets/favicon.svg`,
    );
    assert.match(await page.locator('main').innerText(), /avocat\.fr/);
    assert.equal(
      await page.evaluate<string>(`getComputedStyle(document.querySelector('main button.fr-btn')).backgroundColor`),
      'rgb(122, 31, 92)',
    );
    await checked(page, 'marque-produit-identifiant');
    await page.close();
  });

  it('shows the firm’s name, logo and colour on its client space', async () => {
    const firms = app.app.get(FirmsService);
    const { firm, staff } = await makeFirm(app, 'Cabinet Delmas', 'fabien.delmas');
    await firms.updateBranding(firm.id, { primaryColor: '#1d5e3a', logo: logoPng(48, 48, [29, 94, 58]) });
    const record = await firms.inviteClient(firm.id, {
      kind: 'personne',
      contact: { email: 'luce.alexander@example.fr', familyName: 'ALEXANDER', givenName: 'Luce' },
    });
    await acceptInvitation(app, 'luce.alexander@example.fr');
    await firms.createDossier(firm.id, {
      number: '2017IIDOS/1529',
      label: 'ALEXAN',
      interlocutorId: staff.id,
      clientIds: [record.id],
    });
    const page = await browser.newPage();
    watch(page);
    await page.goto(`${app.url}/espace-client/cabinets/${firm.id}`);
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel('Identifiant ou adresse électronique').fill('luce.alexander@example.fr');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(new RegExp(`/espace-client/cabinets/${firm.id}`));
    assert.equal(await page.locator('header .fr-header__service-title').innerText(), 'Cabinet Delmas');
    assert.equal(
      await page.locator('header img.brand-logo').getAttribute('src'),
      `/espace-client/cabinets/${firm.id}/logo`,
    );
    assert.match(await page.title(), /^[^-]+ - Cabinet Delmas$/);
    for (const selector of ['.client-space__bar', 'main .client-space__category']) {
      const colour = await page.evaluate<string>(
        `getComputedStyle(document.querySelector('${selector}'))['${selector.includes('bar') ? 'backgroundColor' : 'color'}']`,
      );
      assert.equal(colour, 'rgb(29, 94, 58)', selector);
    }
    await checked(page, 'marque-cabinet-espace-client');
    await page.close();
  });
});
