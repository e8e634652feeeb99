import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdentityService } from '../../src/modules/identity';
import { SubscriptionsClock, SubscriptionsService } from '../../src/modules/subscriptions';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Mot-de-passe-1';

describe('Subscriptions pages of the account space', () => {
  let app: TestApp;
  let service: SubscriptionsService;
  const accounts: Record<string, string> = {};

  before(async () => {
    app = await startTestApp();
    const identity = app.app.get(IdentityService);
    for (const [identifier, givenName, familyName] of [
      ['jp.dupont', 'Jean-Pierre', 'Dupont'],
      ['nina.roux', 'Nina', 'Roux'],
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
      name: 'dalloz-avocat.fr',
      url: 'https://avocat.example.fr/accueil',
      sections: [
        { code: 'assurances', name: 'Assurances' },
        { code: 'civil', name: 'Civil' },
        { code: 'code-avocat', name: 'Code de l’avocat' },
      ],
    });
    await service.addProduct({ code: 'revue', name: 'Revue juridique', url: 'https://revue.example.fr/' });
    const cabinet = await service.addSubscription({
      subscriber: 'Cabinet Dupont & Associés',
      products: [{ code: 'dalloz-avocat', sections: ['assurances', 'civil'] }],
      seats: 3,
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
      accountMode: 'administrator-managed',
    });
    await service.setMembership(cabinet.id, accounts['jp.dupont'], [
      { productCode: 'dalloz-avocat', role: 'reader' },
      { productCode: 'dalloz-avocat', section: 'civil', role: 'administrator' },
    ]);
    const old = await service.addSubscription({
      subscriber: 'Ancien abonnement',
      products: [{ code: 'revue' }],
      seats: 1,
      startsOn: '2025-01-01',
      endsOn: '2025-12-31',
      accountMode: 'self-declaration',
    });
    await service.setMembership(old.id, accounts['jp.dupont'], [{ productCode: 'revue', role: 'reader' }]);
    app.app.get(SubscriptionsClock).now = () => new Date('2026-06-15T10:00:00Z');
  });
  after(async () => app.close());

  const accountSpace = async (browser: HttpBrowser, login: string, path = '/compte') => {
    let page = await browser.get(`${app.url}${path}`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1500));
    return page;
  };

  describe('« Mes abonnements »', () => {
    it('asks a signed-out visitor to sign in first', async () => {
      const page = await new HttpBrowser().get(`${app.url}/compte/abonnements`);
      assert.match(page.body, /name="identifier"/, 'the sign-in page');
      assert.doesNotMatch(page.body, /Mes produits et statuts/);
    });

    it('shows a member its products, sections and statuses, each active product a link to open it', async () => {
      const browser = new HttpBrowser();
      const home = await accountSpace(browser, 'jp.dupont');
      assert.match(home.body, /<a class="fr-sidemenu__link" href="\/compte\/abonnements">Mes abonnements<\/a>/);
      const page = await browser.get(`${app.url}/compte/abonnements`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<h2>Mes produits et statuts<\/h2>/);
      assert.match(page.body, /aria-current="page">Mes abonnements</);
      assert.match(page.body, /<a href="https:\/\/avocat\.example\.fr\/accueil">dalloz-avocat\.fr<\/a>/);
      // The subscription covers Assurances and Civil, not « Code de l’avocat ».
      const rows = [
        ...page.body.matchAll(/<tr>\s*<(?:th scope="row"|td class="fr-pl-4w")>(.*?)<\/t[dh]>([\s\S]*?)<\/tr>/g),
      ].map(([, name, cells]) => [
        name.replace(/<[^>]+>/g, ''),
        [...cells.matchAll(/<td>([\s\S]*?)<\/td>/g)].map(([, c]) => (c.includes('fr-icon-check-line') ? 'oui' : 'non')),
      ]);
      assert.deepEqual(rows, [
        ['Revue juridique', ['oui', 'non']],
        ['dalloz-avocat.fr', ['oui', 'non']],
        ['Assurances', ['oui', 'non']],
        ['Civil', ['oui', 'oui']],
      ]);
      assert.doesNotMatch(page.body, /Code de l’avocat/);
      // The ended subscription is shown as such, its product not a link.
      assert.match(page.body, /Ancien abonnement[\s\S]*?Terminé/);
      assert.doesNotMatch(page.body, /href="https:\/\/revue\.example\.fr\/"/);
      assert.match(page.body, /Revue juridique/);
    });

    it('hides the menu entry from an account that is no member, and shows it an empty page', async () => {
      const browser = new HttpBrowser();
      const home = await accountSpace(browser, 'nina.roux');
      assert.match(home.body, /Mon profil/);
      assert.doesNotMatch(home.body, /Mes abonnements/);
      const page = await browser.get(`${app.url}/compte/abonnements`);
      assert.equal(page.status, 200);
      assert.match(page.body, /Votre compte ne fait partie d’aucun abonnement/);
      assert.doesNotMatch(page.body, /Cabinet Dupont|dalloz-avocat/);
    });
  });
});
