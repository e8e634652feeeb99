import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdentityService } from '../../src/modules/identity';
import { SubscriptionsClock, SubscriptionsService } from '../../src/modules/subscriptions';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Mot-de-passe-1';

/**
 * « Gérer mes utilisateurs », through the pages: subscription A (Cabinet Dupont, administrator Jean-Pierre Dupont) and
 * subscription B (Étude Martin, administrator Paul Martin, member Léa Bernard), both in « gestion par administrateur ».
 */
describe('Subscriptions: « Gérer mes utilisateurs »', () => {
  let app: TestApp;
  let service: SubscriptionsService;
  const accounts: Record<string, string> = {};
  let a: string;
  let b: string;

  before(async () => {
    app = await startTestApp();
    const identity = app.app.get(IdentityService);
    for (const [identifier, givenName, familyName] of [
      ['jp.dupont', 'Jean-Pierre', 'Dupont'],
      ['paul.martin', 'Paul', 'Martin'],
      ['lea.bernard', 'Léa', 'Bernard'],
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
    app.app.get(SubscriptionsClock).now = () => new Date('2026-06-15T10:00:00Z');
    await service.addProduct({
      code: 'dalloz-avocat',
      name: 'dalloz-avocat.fr',
      url: 'https://avocat.example.fr/',
      sections: [
        { code: 'assurances', name: 'Assurances' },
        { code: 'civil', name: 'Civil' },
      ],
    });
    const add = async (subscriber: string, seats: number) =>
      (
        await service.addSubscription({
          subscriber,
          products: [{ code: 'dalloz-avocat' }],
          seats,
          startsOn: '2026-01-01',
          endsOn: '2026-12-31',
          accountMode: 'administrator-managed',
        })
      ).id;
    a = await add('Cabinet Dupont', 5);
    b = await add('Étude Martin', 5);
    const admin = [
      { productCode: 'dalloz-avocat', role: 'reader' as const },
      { productCode: 'dalloz-avocat', role: 'administrator' as const },
    ];
    await service.setMembership(a, accounts['jp.dupont'], admin);
    await service.setMembership(b, accounts['paul.martin'], admin);
    await service.setMembership(b, accounts['lea.bernard'], [{ productCode: 'dalloz-avocat', role: 'reader' }]);
  });
  after(async () => app.close());

  const signIn = async (login: string) => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1000));
    return { browser, home: page };
  };

  const roles = async (subscriptionId: string, accountId: string) =>
    (
      await app.dataSource.query<Array<{ r: string }>>(
        `SELECT p.code || '|' || r.section || '|' || r.role AS r FROM membership m
           JOIN membership_role r ON r.membership_id = m.id JOIN product p ON p.id = r.product_id
          WHERE m.subscription_id = $1 AND m.account_id = $2 ORDER BY 1`,
        [subscriptionId, accountId],
      )
    ).map((row) => row.r);
  const members = async (subscriptionId: string) =>
    (
      await app.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM membership WHERE subscription_id = $1`,
        [subscriptionId],
      )
    )[0].n;
  const accountCount = async () =>
    (await app.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM account`))[0].n;

  it('shows the entry to administrators only, and « Tous mes utilisateurs » with Nom, Prénom, État, Supprimer', async () => {
    const { browser, home } = await signIn('jp.dupont');
    assert.match(home.body, /href="\/compte\/utilisateurs">Gérer mes utilisateurs</);
    const page = await browser.get(`${app.url}/compte/utilisateurs`);
    assert.equal(page.status, 200);
    assert.ok(page.url.endsWith(`/compte/utilisateurs/${a}`), page.url);
    assert.match(
      page.body,
      /<th scope="col">Nom<\/th><th scope="col">Prénom<\/th><th scope="col">État<\/th><th scope="col">Supprimer<\/th>/,
    );
    assert.match(page.body, /DUPONT<\/a><\/td>\s*<td>Jean-Pierre<\/td>\s*<td>Actif<\/td>/);
    assert.match(page.body, /1 place\(s\) utilisée\(s\) sur 5/);
    assert.doesNotMatch(page.body, /MARTIN|BERNARD/);

    const member = await signIn('lea.bernard');
    assert.doesNotMatch(member.home.body, /Gérer mes utilisateurs/);
    assert.equal((await member.browser.get(`${app.url}/compte/utilisateurs`)).status, 403);
    assert.equal((await member.browser.get(`${app.url}/compte/utilisateurs/${b}`)).status, 403);
  });

  it('creates a user by invitation with exactly the rights ticked; refuses a wrong form and keeps the input', async () => {
    const { browser } = await signIn('jp.dupont');
    const form = await browser.get(`${app.url}/compte/utilisateurs/${a}/nouveau`);
    assert.match(form.body, /① Destinataire/);
    assert.match(form.body, /② Accès/);
    assert.match(form.body, /Lecteur \?/);
    const before = await accountCount();
    const wrong = await browser.submit(form, /nouveau$/, {
      email: 'pas-une-adresse',
      civility: '',
      familyName: 'Martin',
      givenName: 'Louis',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /Saisissez une adresse électronique valide/);
    assert.match(wrong.body, /Indiquez la civilité/);
    assert.match(wrong.body, /Cochez au moins un accès/);
    assert.match(wrong.body, /value="Martin"/);
    assert.equal(await accountCount(), before);

    const done = await browser.submit(form, /nouveau$/, {
      email: 'Louis.Martin@Cabinet-Dupont.fr',
      civility: 'monsieur',
      familyName: 'Martin',
      givenName: 'Louis',
      access: ['dalloz-avocat||reader', 'dalloz-avocat|civil|administrator'],
    });
    assert.equal(done.status, 200, done.body.slice(0, 2000));
    assert.match(done.body, /Utilisateur créé\. Son compte sera activé/);
    assert.match(done.body, /MARTIN<\/a><\/td>\s*<td>Louis<\/td>\s*<td>En attente d’activation<\/td>/);
    const [invited] = await app.dataSource.query<
      Array<{ id: string; status: string; civility: string; origin: string }>
    >(`SELECT id, status, civility, origin FROM account WHERE email = 'louis.martin@cabinet-dupont.fr'`);
    assert.deepEqual(
      { ...invited, id: undefined },
      { id: undefined, status: 'pending', civility: 'monsieur', origin: 'invitation' },
    );
    assert.deepEqual(await roles(a, invited.id), ['dalloz-avocat|civil|administrator', 'dalloz-avocat||reader']);
    const [mail] = await app.dataSource.query<Array<{ template: string }>>(
      `SELECT template FROM outbox_message WHERE recipient = 'louis.martin@cabinet-dupont.fr'`,
    );
    assert.equal(mail.template, 'account-invitation');

    // « Renvoyer l’invitation », from the user's page while the account is pending.
    const rights = await browser.get(`${app.url}/compte/utilisateurs/${a}/${invited.id}`);
    const resent = await browser.submit(rights, /renvoyer$/, {});
    assert.equal(resent.status, 200, resent.body.slice(0, 1500));
    assert.match(resent.body, /Invitation renvoyée à Louis Martin/);
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox_message WHERE recipient = 'louis.martin@cabinet-dupont.fr' AND template = 'account-invitation'`,
    );
    assert.equal(n, 2);
    // Not for an active account, nor for another subscription's member.
    const active = await browser.post(`${app.url}/compte/utilisateurs/${a}/${accounts['jp.dupont']}/renvoyer`, {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(rights.body)![1],
    });
    assert.equal(active.status, 400);
    assert.match(active.body, /déjà activé/);
  });

  it('attaches the account that already has the address, tells its holder, and creates no second account', async () => {
    const { browser } = await signIn('jp.dupont');
    const form = await browser.get(`${app.url}/compte/utilisateurs/${a}/nouveau`);
    const before = await accountCount();
    const done = await browser.submit(form, /nouveau$/, {
      email: 'armelle.pierre@example.fr',
      civility: 'madame',
      familyName: 'Pierre',
      givenName: 'Armelle',
      access: ['dalloz-avocat|assurances|reader'],
    });
    assert.equal(done.status, 200, done.body.slice(0, 2000));
    assert.match(done.body, /Un compte existait déjà avec l’adresse armelle\.pierre@example\.fr/);
    assert.equal(await accountCount(), before);
    assert.deepEqual(await roles(a, accounts['armelle.pierre']), ['dalloz-avocat|assurances|reader']);
    const [notice] = await app.dataSource.query<Array<{ template: string; data: Record<string, unknown> }>>(
      `SELECT template, data FROM outbox_message WHERE recipient = 'armelle.pierre@example.fr'`,
    );
    assert.equal(notice.template, 'subscription-access-granted');
    assert.equal(notice.data.grantedBy, 'Jean-Pierre Dupont (Cabinet Dupont)');
    assert.equal(notice.data.subscriber, 'Cabinet Dupont');

    const again = await browser.submit(form, /nouveau$/, {
      email: 'armelle.pierre@example.fr',
      civility: 'madame',
      familyName: 'Pierre',
      givenName: 'Armelle',
      access: ['dalloz-avocat||reader'],
    });
    assert.equal(again.status, 400);
    assert.match(again.body, /déjà un de vos utilisateurs/);
  });

  it('edits a user’s rights, and removes users (the account stays)', async () => {
    const { browser } = await signIn('jp.dupont');
    const rights = await browser.get(`${app.url}/compte/utilisateurs/${a}/${accounts['armelle.pierre']}`);
    assert.equal(rights.status, 200);
    assert.match(rights.body, /value="dalloz-avocat\|assurances\|reader" checked/);
    const saved = await browser.submit(rights, new RegExp(`${accounts['armelle.pierre']}$`), {
      access: ['dalloz-avocat||reader', 'dalloz-avocat||administrator'],
    });
    assert.equal(saved.status, 200, saved.body.slice(0, 1500));
    assert.match(saved.body, /Droits de Armelle Pierre enregistrés/);
    assert.deepEqual(await roles(a, accounts['armelle.pierre']), [
      'dalloz-avocat||administrator',
      'dalloz-avocat||reader',
    ]);

    const forged = await browser.submit(rights, new RegExp(`${accounts['armelle.pierre']}$`), {
      access: ['autre||reader'],
    });
    assert.equal(forged.status, 400);
    assert.match(forged.body, /« autre » n’est pas compris dans cet abonnement/);

    const byProduct = await browser.get(`${app.url}/compte/utilisateurs/${a}/par-produit`);
    assert.equal(byProduct.status, 200);
    assert.match(byProduct.body, /<h1>Mes utilisateurs par produit<\/h1>/);
    assert.match(byProduct.body, /<h2 class="fr-h4">dalloz-avocat\.fr<\/h2>/);
    const armelleRow = /<tr>\s*<td><a[^>]*>PIERRE<\/a><\/td>[\s\S]*?<\/tr>/.exec(byProduct.body)?.[0] ?? '';
    assert.match(armelleRow, /<td>Tout le produit<\/td>\s*<td>Tout le produit<\/td>/);
    assert.doesNotMatch(byProduct.body, /BERNARD/, 'no member of another subscription');

    const list = await browser.get(`${app.url}/compte/utilisateurs/${a}`);
    const self = await browser.submit(list, /supprimer$/, { members: accounts['jp.dupont'] });
    assert.equal(self.status, 400);
    assert.match(self.body, /Vous ne pouvez pas vous retirer vous-même/);
    const removed = await browser.submit(list, /supprimer$/, { members: [accounts['armelle.pierre']] });
    assert.equal(removed.status, 200);
    assert.match(removed.body, /1 utilisateur\(s\) retiré\(s\) de l’abonnement/);
    assert.deepEqual(await roles(a, accounts['armelle.pierre']), []);
    assert.ok(await app.app.get(IdentityService).findById(accounts['armelle.pierre']), 'the account stays');
  });

  it('never lets the administrator of A see or change anything of B, whatever the ids', async () => {
    const { browser } = await signIn('jp.dupont');
    const ownForm = await browser.get(`${app.url}/compte/utilisateurs/${a}/nouveau`);
    const bMembers = await members(b);
    const bRoles = await roles(b, accounts['lea.bernard']);
    for (const path of [
      `/compte/utilisateurs/${b}`,
      `/compte/utilisateurs/${b}/nouveau`,
      `/compte/utilisateurs/${b}/par-produit`,
      `/compte/utilisateurs/${b}/${accounts['lea.bernard']}`,
    ])
      assert.equal((await browser.get(`${app.url}${path}`)).status, 403, path);
    // B's member through A's pages: « introuvable ».
    const bMemberInA = await browser.get(`${app.url}/compte/utilisateurs/${a}/${accounts['lea.bernard']}`);
    assert.equal(bMemberInA.status, 404);
    assert.doesNotMatch(bMemberInA.body, /Bernard/);
    // Forms sent to B's ids, or with B's member in A's forms.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(ownForm.body)![1];
    const posts: Array<[string, Record<string, string | string[]>]> = [
      [
        `/compte/utilisateurs/${b}/nouveau`,
        {
          _csrf: csrf,
          email: 'intrus@example.fr',
          civility: 'monsieur',
          familyName: 'Intrus',
          givenName: 'Ivan',
          access: 'dalloz-avocat||administrator',
        },
      ],
      [`/compte/utilisateurs/${b}/supprimer`, { _csrf: csrf, members: accounts['lea.bernard'] }],
      [`/compte/utilisateurs/${b}/${accounts['lea.bernard']}`, { _csrf: csrf, access: 'dalloz-avocat||administrator' }],
      [`/compte/utilisateurs/${a}/${accounts['lea.bernard']}`, { _csrf: csrf, access: 'dalloz-avocat||administrator' }],
      [
        `/compte/utilisateurs/${a}/supprimer`,
        { _csrf: csrf, members: [accounts['lea.bernard'], accounts['paul.martin']] },
      ],
      [`/compte/utilisateurs/nimporte-quoi/nouveau`, { _csrf: csrf, email: 'x@example.fr' }],
      [`/compte/utilisateurs/${a}/${accounts['lea.bernard']}/renvoyer`, { _csrf: csrf }],
      [`/compte/utilisateurs/${b}/${accounts['lea.bernard']}/renvoyer`, { _csrf: csrf }],
    ];
    for (const [path, fields] of posts) {
      const res = await browser.post(`${app.url}${path}`, fields);
      assert.ok(
        [403, 404].includes(res.status) || (res.status === 200 && /Aucun utilisateur coché/.test(res.body)),
        `${path}: ${res.status}`,
      );
    }
    assert.equal(await members(b), bMembers);
    assert.deepEqual(await roles(b, accounts['lea.bernard']), bRoles);
    assert.deepEqual(await roles(b, accounts['paul.martin']), [
      'dalloz-avocat||administrator',
      'dalloz-avocat||reader',
    ]);
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM account WHERE email = 'intrus@example.fr'`,
    );
    assert.equal(n, 0);
  });

  it('holds the seat limit under 20 concurrent creations, leaving no account without a seat', async () => {
    const c = (
      await service.addSubscription({
        subscriber: 'Cabinet Petit',
        products: [{ code: 'dalloz-avocat' }],
        seats: 4,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'administrator-managed',
      })
    ).id;
    await service.setMembership(c, accounts['paul.martin'], [{ productCode: 'dalloz-avocat', role: 'administrator' }]);
    const { browser } = await signIn('paul.martin');
    const list = await browser.get(`${app.url}/compte/utilisateurs/${c}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(list.body)![1];
    const before = await accountCount();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        browser.post(`${app.url}/compte/utilisateurs/${c}/nouveau`, {
          _csrf: csrf,
          email: `collab-${i}@cabinet-petit.fr`,
          civility: 'madame',
          familyName: `Collab${i}`,
          givenName: 'Zoé',
          access: 'dalloz-avocat||reader',
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 3);
    for (const r of results.filter((r) => r.status !== 200)) {
      assert.equal(r.status, 400);
      assert.match(r.body, /Toutes les places de l’abonnement sont prises \(4\)/);
    }
    assert.equal(await members(c), 4);
    assert.equal(await accountCount(), before + 3, 'no invited account left without a seat');
  });
});
