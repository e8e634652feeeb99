import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { AccessCodesService, SubscriptionsService } from '../../src/modules/subscriptions';
import { apiToken, registerApiClient } from '../support/api';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOWHERE = '00000000-0000-4000-8000-000000000000';

/**
 * The publisher API (`/api/v1/products`, `/api/v1/subscriptions`): the publisher's own client (no binding, the whole
 * catalogue), a read-only one, and two clients bound to one product each (`product:avocat`, `product:fiscal`).
 */
describe('Subscriptions API (/api/v1/products, /api/v1/subscriptions)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  const tokens: Record<'publisher' | 'reader' | 'avocat' | 'fiscal' | 'firm', string> = {
    publisher: '',
    reader: '',
    avocat: '',
    fiscal: '',
    firm: '',
  };
  const products: Record<string, string> = {};
  /** Subscriptions: A (avocat only), B (fiscal only), both (avocat and fiscal). */
  const subs: Record<string, string> = {};
  let existingAccount: string;
  /** The account invited into A (Armelle Pierre). */
  let invited = '';

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url, BRAND_NAME: 'Éditions Démo' } });
    app.app.get(OutboxWorker).start();
    const service = app.app.get(SubscriptionsService);
    products.avocat = (
      await service.addProduct({
        code: 'avocat',
        name: 'avocat.fr',
        url: 'https://avocat.example.fr/',
        sections: [
          { code: 'assurances', name: 'Assurances' },
          { code: 'civil', name: 'Civil' },
        ],
      })
    ).id;
    products.fiscal = (
      await service.addProduct({ code: 'fiscal', name: 'fiscal.fr', url: 'https://fiscal.example.fr/' })
    ).id;
    const add = async (subscriber: string, codes: string[]) =>
      (
        await service.addSubscription({
          subscriber,
          products: codes.map((code) => ({ code })),
          seats: 5,
          startsOn: '2026-01-01',
          endsOn: '2099-12-31',
          accountMode: 'administrator-managed',
        })
      ).id;
    subs.b = await add('Étude Fiscale', ['fiscal']);
    subs.both = await add('Groupe Mixte', ['avocat', 'fiscal']);
    existingAccount = (
      await app.app.get(IdentityService).createActiveAccount({
        email: 'louis.martin@example.fr',
        identifier: 'louis.martin',
        password: 'Chaussette-Volante-7',
        givenName: 'Louis',
        familyName: 'Martin',
      })
    ).id;
    await service.setMembership(subs.b, existingAccount, [{ productCode: 'fiscal', role: 'reader' }]);

    const rw = 'subscriptions:read subscriptions:write';
    tokens.publisher = await apiToken(app, await registerApiClient(app, 'editeur', rw), rw);
    tokens.reader = await apiToken(
      app,
      await registerApiClient(app, 'editeur-lecture', 'subscriptions:read'),
      'subscriptions:read',
    );
    tokens.avocat = await apiToken(
      app,
      await registerApiClient(app, 'robot-avocat', rw, { kind: 'product', id: 'avocat' }),
      rw,
    );
    tokens.fiscal = await apiToken(
      app,
      await registerApiClient(app, 'robot-fiscal', rw, { kind: 'product', id: 'fiscal' }),
      rw,
    );
    tokens.firm = await apiToken(
      app,
      await registerApiClient(app, 'robot-cabinet', rw, { kind: 'firm', id: NOWHERE }),
      rw,
    );
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });

  const call = (token: string | undefined, method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string) => {
    const req = request(app.url)[method](path);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };
  const api = (token: string) => ({
    get: (path: string) => call(token, 'get', path),
    post: (path: string, body: object = {}) => call(token, 'post', path).send(body),
    patch: (path: string, body: object) => call(token, 'patch', path).send(body),
    put: (path: string, body: object) => call(token, 'put', path).send(body),
    delete: (path: string) => call(token, 'delete', path),
  });
  const assertProblem = (res: request.Response, status: number, code?: string) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.match(res.headers['content-type'], /^application\/problem\+json/);
    assert.equal(res.body.status, status);
    assert.match(res.body.type, /^urn:plateforme:probleme:/);
    assert.equal(typeof res.body.title, 'string');
    assert.equal(typeof res.body.detail, 'string');
    assert.match(res.body.instance, /^\/api\/v1\//);
    assert.equal(typeof res.body.requestId, 'string');
    if (code) assert.equal(res.body.code, code);
    // French, never an English validator message or an internal one.
    assert.doesNotMatch(JSON.stringify(res.body), /must be|should not|is not|Internal|Error:/);
  };
  const count = async (sql: string, params: unknown[] = []) =>
    (await app.dataSource.query<Array<{ n: number }>>(sql, params))[0].n;
  const audit = async (action: string) =>
    app.dataSource.query<Array<{ actor_type: string; actor_id: string; target_id: string }>>(
      `SELECT actor_type, actor_id, target_id FROM audit_event WHERE action = $1 ORDER BY id`,
      [action],
    );
  const newSubscription = async (token: string, body: Record<string, unknown> = {}, key?: string) => {
    const req = api(token).post('/api/v1/subscriptions', {
      subscriber: 'Cabinet Dupont',
      products: [{ code: 'avocat', sections: ['assurances', 'civil'] }],
      seats: 3,
      starts_on: '2026-01-01',
      ends_on: '2099-12-31',
      account_mode: 'administrator-managed',
      ...body,
    });
    return key ? req.set('Idempotency-Key', key) : req;
  };
  const invite = (token: string, subscription: string, email: string, roles?: unknown[], familyName = 'Pierre') =>
    api(token).post(`/api/v1/subscriptions/${subscription}/members`, {
      email,
      civility: 'madame',
      family_name: familyName,
      given_name: 'Armelle',
      roles: roles ?? [{ product: 'avocat', role: 'reader' }],
    });

  describe('products', () => {
    it('lists and reads the catalogue a client reaches, by pages', async () => {
      const all = await api(tokens.reader).get('/api/v1/products');
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.deepEqual(
        all.body.data.map((p: { code: string }) => p.code),
        ['avocat', 'fiscal'],
      );
      assert.equal(all.body.nextCursor, null);
      const first = await api(tokens.reader).get('/api/v1/products?limit=1');
      assert.equal(first.body.data.length, 1);
      assert.equal(typeof first.body.nextCursor, 'string');
      const second = await api(tokens.reader).get(`/api/v1/products?limit=1&cursor=${first.body.nextCursor}`);
      assert.deepEqual(
        second.body.data.map((p: { code: string }) => p.code),
        ['fiscal'],
      );
      assert.equal(second.body.nextCursor, null);

      const bound = await api(tokens.avocat).get('/api/v1/products');
      assert.deepEqual(
        bound.body.data.map((p: { code: string }) => p.code),
        ['avocat'],
      );
      const one = await api(tokens.avocat).get(`/api/v1/products/${products.avocat}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, {
        id: products.avocat,
        code: 'avocat',
        name: 'avocat.fr',
        url: 'https://avocat.example.fr/',
        sections: [
          { code: 'assurances', name: 'Assurances' },
          { code: 'civil', name: 'Civil' },
        ],
        client_ids: [],
        subscription_required: true,
        brand: { name: null, logo_url: null, primary_color: null },
      });
      assertProblem(await api(tokens.avocat).get(`/api/v1/products/${products.fiscal}`), 404, 'PRODUCT_NOT_FOUND');
      assertProblem(await api(tokens.firm).get(`/api/v1/products/${products.avocat}`), 404);
      assert.deepEqual((await api(tokens.firm).get('/api/v1/products')).body.data, []);
    });

    it('creates a product once per Idempotency-Key, for the publisher’s client only', async () => {
      const body = {
        code: 'social',
        name: 'social.fr',
        url: 'https://social.example.fr/',
        sections: [{ code: 'paie', name: 'Paie' }],
        client_ids: ['social-web'],
      };
      const created = await api(tokens.publisher)
        .post('/api/v1/products', body)
        .set('Idempotency-Key', 'produit-social');
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.match(created.body.id, UUID);
      assert.deepEqual(created.body.client_ids, ['social-web']);
      const replay = await api(tokens.publisher)
        .post('/api/v1/products', body)
        .set('Idempotency-Key', 'produit-social');
      assert.equal(replay.status, 201);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.deepEqual(replay.body, created.body);
      assert.equal(await count(`SELECT count(*)::int AS n FROM product WHERE code = 'social'`), 1);
      assertProblem(await api(tokens.publisher).post('/api/v1/products', body), 409, 'PRODUCT_CODE_TAKEN');

      assertProblem(
        await api(tokens.avocat).post('/api/v1/products', { ...body, code: 'intrus' }),
        403,
        'OUTSIDE_API_BINDING',
      );
      assert.equal(await count(`SELECT count(*)::int AS n FROM product WHERE code = 'intrus'`), 0);
      const [event] = await audit('subscriptions.product.added').then((rows) =>
        rows.filter((r) => r.actor_type === 'client'),
      );
      assert.deepEqual(
        { actor_type: event.actor_type, actor_id: event.actor_id, target_id: event.target_id },
        { actor_type: 'client', actor_id: 'editeur', target_id: created.body.id },
      );
    });
  });

  describe('subscriptions', () => {
    it('creates a subscription once per Idempotency-Key, and reads it', async () => {
      const created = await newSubscription(tokens.avocat, {}, 'abonnement-dupont');
      assert.equal(created.status, 201, JSON.stringify(created.body));
      subs.a = created.body.id as string;
      assert.deepEqual(created.body, {
        id: subs.a,
        subscriber: 'Cabinet Dupont',
        seats: 3,
        seats_used: 0,
        starts_on: '2026-01-01',
        ends_on: '2099-12-31',
        account_mode: 'administrator-managed',
        products: [{ code: 'avocat', name: 'avocat.fr', sections: ['assurances', 'civil'] }],
      });
      const replay = await newSubscription(tokens.avocat, {}, 'abonnement-dupont');
      assert.equal(replay.status, 201);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.deepEqual(replay.body, created.body);
      assert.equal(await count(`SELECT count(*)::int AS n FROM subscription WHERE subscriber = 'Cabinet Dupont'`), 1);
      assertProblem(
        await newSubscription(tokens.avocat, { seats: 4 }, 'abonnement-dupont'),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );

      const read = await api(tokens.reader).get(`/api/v1/subscriptions/${subs.a}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, created.body);
      const [event] = await audit('subscriptions.subscription.added').then((rows) =>
        rows.filter((r) => r.target_id === subs.a),
      );
      assert.deepEqual([event.actor_type, event.actor_id], ['client', 'robot-avocat']);
    });

    it('lists by pages what the client reaches: a bound client sees its product’s subscriptions only', async () => {
      const all: string[] = [];
      let cursor: string | null = '';
      do {
        const page: request.Response = await api(tokens.reader).get(
          `/api/v1/subscriptions?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.ok(page.body.data.length <= 2);
        all.push(...page.body.data.map((s: { id: string }) => s.id));
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      assert.deepEqual(all, [subs.b, subs.both, subs.a]);
      const fiscal = await api(tokens.reader).get('/api/v1/subscriptions?product=fiscal');
      assert.deepEqual(
        fiscal.body.data.map((s: { id: string }) => s.id),
        [subs.b, subs.both],
      );
      const bound = await api(tokens.avocat).get('/api/v1/subscriptions');
      assert.deepEqual(
        bound.body.data.map((s: { id: string }) => s.id),
        [subs.a],
        'a subscription that also covers another product is the publisher’s',
      );
      assert.deepEqual((await api(tokens.firm).get('/api/v1/subscriptions')).body.data, []);
    });

    it('changes seats and dates, never below the members', async () => {
      const changed = await api(tokens.avocat).patch(`/api/v1/subscriptions/${subs.a}`, {
        seats: 4,
        ends_on: '2099-06-30',
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.seats, 4);
      assert.equal(changed.body.ends_on, '2099-06-30');
      assert.equal(changed.body.starts_on, '2026-01-01');
      const [event] = await audit('subscriptions.subscription.changed');
      assert.deepEqual([event.actor_type, event.actor_id, event.target_id], ['client', 'robot-avocat', subs.a]);
      assertProblem(
        await api(tokens.avocat).patch(`/api/v1/subscriptions/${subs.a}`, { ends_on: '2025-01-01' }),
        400,
        'INVALID_INPUT',
      );
      assertProblem(
        await api(tokens.avocat).patch(`/api/v1/subscriptions/${subs.a}`, { starts_on: '2026-02-30' }),
        400,
      );
      assertProblem(await api(tokens.avocat).patch(`/api/v1/subscriptions/${subs.a}`, {}), 400, 'INVALID_INPUT');
      // B has one member: one seat at least.
      const b = await api(tokens.fiscal).patch(`/api/v1/subscriptions/${subs.b}`, { seats: 1 });
      assert.equal(b.status, 200, JSON.stringify(b.body));
      assert.equal(b.body.seats_used, 1);
      assert.equal(b.body.seats, 1);
      await app.dataSource.query(`UPDATE subscription SET seats = 5 WHERE id = $1`, [subs.b]);
      const below = await api(tokens.publisher).patch(`/api/v1/subscriptions/${subs.b}`, { seats: 1 });
      assert.equal(below.status, 200);
      await app.dataSource.query(`INSERT INTO membership (subscription_id, account_id) VALUES ($1, 'reserved:essai')`, [
        subs.b,
      ]);
      assertProblem(
        await api(tokens.publisher).patch(`/api/v1/subscriptions/${subs.b}`, { seats: 1 }),
        409,
        'SEATS_IN_USE',
      );
      await app.dataSource.query(`DELETE FROM membership WHERE account_id = 'reserved:essai'`);
      await app.dataSource.query(`UPDATE subscription SET seats = 5 WHERE id = $1`, [subs.b]);
    });
  });

  describe('members', () => {
    it('invites a new address through identity’s invitation, with its roles per product and section', async () => {
      const res = await invite(tokens.avocat, subs.a, 'Armelle.Pierre@Cabinet-Dupont.fr', [
        { product: 'avocat', section: null, role: 'reader' },
        { product: 'avocat', section: 'civil', role: 'administrator' },
      ]).set('Idempotency-Key', 'invitation-armelle');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      invited = res.body.account_id as string;
      assert.match(invited, UUID);
      assert.equal(res.body.email, 'armelle.pierre@cabinet-dupont.fr');
      assert.equal(res.body.status, 'pending');
      assert.equal(res.body.attached, false);
      assert.deepEqual(res.body.roles, [
        { product: 'avocat', section: null, role: 'reader' },
        { product: 'avocat', section: 'civil', role: 'administrator' },
      ]);
      const replay = await invite(tokens.avocat, subs.a, 'Armelle.Pierre@Cabinet-Dupont.fr', [
        { product: 'avocat', section: null, role: 'reader' },
        { product: 'avocat', section: 'civil', role: 'administrator' },
      ]).set('Idempotency-Key', 'invitation-armelle');
      assert.equal(replay.status, 201);
      assert.deepEqual(replay.body, res.body);
      assert.equal(
        await count(`SELECT count(*)::int AS n FROM account WHERE email = 'armelle.pierre@cabinet-dupont.fr'`),
        1,
      );
      const mail = await smtp.waitFor(sentTo('armelle.pierre@cabinet-dupont.fr'));
      assert.match(mail.text ?? '', /Éditions Démo a créé pour vous un compte/);
      assert.match(mail.text ?? '', /\/invitation\//);
      const [{ organisation_name }] = await app.dataSource.query<Array<{ organisation_name: string }>>(
        `SELECT organisation_name FROM account WHERE id = $1`,
        [invited],
      );
      assert.equal(organisation_name, 'Cabinet Dupont');
      const events = await audit('subscriptions.membership.changed');
      assert.ok(
        events.some((e) => e.actor_type === 'client' && e.actor_id === 'robot-avocat' && e.target_id === subs.a),
      );

      assertProblem(await invite(tokens.avocat, subs.a, 'armelle.pierre@cabinet-dupont.fr'), 409, 'ALREADY_MEMBER');
    });

    it('attaches an account that already holds the address, and tells its holder', async () => {
      const res = await invite(tokens.avocat, subs.a, 'louis.martin@example.fr');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.account_id, existingAccount);
      assert.equal(res.body.attached, true);
      assert.equal(res.body.status, 'active');
      assert.equal(await count(`SELECT count(*)::int AS n FROM account WHERE email = 'louis.martin@example.fr'`), 1);
      const mail = await smtp.waitFor(
        (m) => sentTo('louis.martin@example.fr')(m) && /Cabinet Dupont/.test(m.text ?? ''),
      );
      assert.match(mail.text ?? '', /Éditions Démo vous a donné accès aux produits de l’abonnement Cabinet Dupont/);
    });

    it('lists and reads members, changes their roles, removes them', async () => {
      const base = `/api/v1/subscriptions/${subs.a}/members`;
      const page = await api(tokens.reader).get(`${base}?limit=1`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.deepEqual(
        page.body.data.map((m: { account_id: string }) => m.account_id),
        [invited],
      );
      const next = await api(tokens.reader).get(`${base}?limit=1&cursor=${page.body.nextCursor}`);
      assert.deepEqual(
        next.body.data.map((m: { account_id: string }) => m.account_id),
        [existingAccount],
      );
      assert.equal(next.body.nextCursor, null);

      const one = await api(tokens.reader).get(`${base}/${existingAccount}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.roles, [{ product: 'avocat', section: null, role: 'reader' }]);
      assert.equal(one.body.family_name, 'Martin');

      const roles = await api(tokens.avocat).put(`${base}/${existingAccount}/roles`, {
        roles: [
          { product: 'avocat', section: 'assurances', role: 'reader' },
          { product: 'avocat', role: 'administrator' },
        ],
      });
      assert.equal(roles.status, 200, JSON.stringify(roles.body));
      assert.deepEqual(roles.body.roles, [
        { product: 'avocat', section: null, role: 'administrator' },
        { product: 'avocat', section: 'assurances', role: 'reader' },
      ]);
      assertProblem(
        await api(tokens.avocat).put(`${base}/${existingAccount}/roles`, {
          roles: [{ product: 'fiscal', role: 'reader' }],
        }),
        400,
        'INVALID_INPUT',
      );
      assertProblem(await api(tokens.avocat).put(`${base}/${existingAccount}/roles`, { roles: [] }), 400);
      assertProblem(
        await api(tokens.avocat).put(`${base}/${NOWHERE}/roles`, { roles: [{ product: 'avocat', role: 'reader' }] }),
        404,
      );

      const removed = await api(tokens.avocat).delete(`${base}/${existingAccount}`);
      assert.equal(removed.status, 204);
      assert.equal(
        await count(`SELECT count(*)::int AS n FROM membership WHERE subscription_id = $1 AND account_id = $2`, [
          subs.a,
          existingAccount,
        ]),
        0,
      );
      assert.equal(await count(`SELECT count(*)::int AS n FROM account WHERE id = $1`, [existingAccount]), 1);
      assertProblem(await api(tokens.avocat).delete(`${base}/${existingAccount}`), 404, 'MEMBER_NOT_FOUND');
      const [event] = await audit('subscriptions.membership.removed');
      assert.deepEqual([event.actor_type, event.actor_id, event.target_id], ['client', 'robot-avocat', subs.a]);
    });

    it('refuses members in « pas de compte personnel »', async () => {
      const none = await newSubscription(tokens.avocat, {
        subscriber: 'Sans Compte',
        account_mode: 'no-personal-account',
      });
      assert.equal(none.status, 201);
      assertProblem(await invite(tokens.avocat, none.body.id as string, 'x@cabinet.fr'), 409, 'NO_PERSONAL_ACCOUNT');
    });

    it('holds the seat limit under 20 concurrent invitations', async () => {
      const created = await newSubscription(tokens.publisher, { subscriber: 'Cabinet Petit', seats: 5 });
      assert.equal(created.status, 201);
      const id = created.body.id as string;
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          invite(tokens.publisher, id, `collab-${i}@cabinet-petit.fr`, undefined, `Collab${i}`),
        ),
      );
      const statuses = answers.map((res) => res.status).sort();
      assert.equal(statuses.filter((s) => s === 201).length, 5, JSON.stringify(statuses));
      assert.equal(statuses.filter((s) => s === 409).length, 15, JSON.stringify(statuses));
      for (const res of answers.filter((r) => r.status === 409)) assertProblem(res, 409, 'SEATS_EXHAUSTED');
      assert.equal(await count(`SELECT count(*)::int AS n FROM membership WHERE subscription_id = $1`, [id]), 5);
      assert.equal(
        await count(`SELECT count(*)::int AS n FROM account WHERE email LIKE 'collab-%@cabinet-petit.fr'`),
        5,
      );
      const read = await api(tokens.reader).get(`/api/v1/subscriptions/${id}`);
      assert.equal(read.body.seats_used, 5);
    });
  });

  describe('access codes', () => {
    it('issues the codes once, gives the password in the answer only, resets them', async () => {
      const path = `/api/v1/subscriptions/${subs.a}/access-codes`;
      assertProblem(await api(tokens.reader).get(path), 404, 'ACCESS_CODES_NOT_FOUND');
      const issued = await api(tokens.avocat).post(path, { email: 'abonnements@cabinet-dupont.fr' });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      assert.equal(issued.headers['cache-control'], 'no-store');
      assert.match(issued.body.login, /^ABO-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      assert.match(issued.body.password, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      assert.equal(issued.body.emailed_to, 'abonnements@cabinet-dupont.fr');
      const [row] = await app.dataSource.query<Array<{ login: string; secret_hash: string }>>(
        `SELECT login, secret_hash FROM access_code WHERE subscription_id = $1`,
        [subs.a],
      );
      assert.equal(row.login, issued.body.login);
      assert.match(row.secret_hash, /^\$argon2id\$/);
      assert.ok(!row.secret_hash.includes(issued.body.password.replace(/-/g, '')));
      const codes = app.app.get(AccessCodesService);
      assert.ok(await codes.authenticate(issued.body.login, issued.body.password));
      const mail = await smtp.waitFor(sentTo('abonnements@cabinet-dupont.fr'));
      assert.ok((mail.text ?? '').includes(issued.body.password));

      const read = await api(tokens.reader).get(path);
      assert.equal(read.status, 200);
      assert.deepEqual(Object.keys(read.body).sort(), ['issued_at', 'login']);
      assert.equal(read.body.login, issued.body.login);

      assertProblem(await api(tokens.avocat).post(path), 409, 'ACCESS_CODES_ALREADY_ISSUED');
      assert.equal(
        (await app.dataSource.query(`SELECT login FROM access_code WHERE subscription_id = $1`, [subs.a]))[0].login,
        issued.body.login,
      );

      const reset = await api(tokens.avocat).post(`${path}/reset`);
      assert.equal(reset.status, 200, JSON.stringify(reset.body));
      assert.equal(reset.headers['cache-control'], 'no-store');
      assert.notEqual(reset.body.login, issued.body.login);
      assert.equal(reset.body.emailed_to, null);
      assert.equal(await codes.authenticate(issued.body.login, issued.body.password), undefined);
      assert.ok(await codes.authenticate(reset.body.login, reset.body.password));
      const events = await audit('subscriptions.access_codes.issued');
      assert.deepEqual(
        events.map((e) => [e.actor_type, e.actor_id]),
        [
          ['client', 'robot-avocat'],
          ['client', 'robot-avocat'],
        ],
      );
      const [{ details }] = await app.dataSource.query<Array<{ details: object }>>(
        `SELECT details FROM audit_event WHERE action = 'subscriptions.access_codes.issued'`,
      );
      assert.ok(!JSON.stringify(details).includes(issued.body.password));
    });
  });

  describe('refusals', () => {
    const routes = () => [
      { method: 'get' as const, path: '/api/v1/products', write: false },
      { method: 'get' as const, path: `/api/v1/products/${products.avocat}`, write: false },
      { method: 'post' as const, path: '/api/v1/products', write: true },
      { method: 'get' as const, path: '/api/v1/subscriptions', write: false },
      { method: 'post' as const, path: '/api/v1/subscriptions', write: true },
      { method: 'get' as const, path: `/api/v1/subscriptions/${subs.a}`, write: false },
      { method: 'patch' as const, path: `/api/v1/subscriptions/${subs.a}`, write: true },
      { method: 'get' as const, path: `/api/v1/subscriptions/${subs.a}/members`, write: false },
      { method: 'post' as const, path: `/api/v1/subscriptions/${subs.a}/members`, write: true },
      { method: 'get' as const, path: `/api/v1/subscriptions/${subs.a}/members/${existingAccount}`, write: false },
      { method: 'put' as const, path: `/api/v1/subscriptions/${subs.a}/members/${existingAccount}/roles`, write: true },
      { method: 'delete' as const, path: `/api/v1/subscriptions/${subs.a}/members/${existingAccount}`, write: true },
      { method: 'get' as const, path: `/api/v1/subscriptions/${subs.a}/access-codes`, write: false },
      { method: 'post' as const, path: `/api/v1/subscriptions/${subs.a}/access-codes`, write: true },
      { method: 'post' as const, path: `/api/v1/subscriptions/${subs.a}/access-codes/reset`, write: true },
    ];

    it('answers 401 without a token and 403 without subscriptions:write, as problems', async () => {
      for (const route of routes()) {
        const anonymous = await call(undefined, route.method, route.path).send({});
        assertProblem(anonymous, 401);
        assert.match(anonymous.headers['www-authenticate'], /^Bearer realm=/);
        if (!route.write) continue;
        const denied = await call(tokens.reader, route.method, route.path).send({});
        assertProblem(denied, 403, 'INSUFFICIENT_SCOPE');
        assert.match(denied.headers['www-authenticate'], /insufficient_scope/);
      }
    });

    it('gives a client bound to another product 404 on every id of A, and changes nothing', async () => {
      await invite(tokens.avocat, subs.a, 'louis.martin@example.fr');
      const state = async () => ({
        subscription: await app.dataSource.query(`SELECT * FROM subscription WHERE id = $1`, [subs.a]),
        members: await app.dataSource.query(
          `SELECT m.account_id, r.product_id, r.section, r.role FROM membership m
             LEFT JOIN membership_role r ON r.membership_id = m.id WHERE m.subscription_id = $1
            ORDER BY 1, 2, 3, 4`,
          [subs.a],
        ),
        codes: await app.dataSource.query(`SELECT id, login, secret_hash FROM access_code WHERE subscription_id = $1`, [
          subs.a,
        ]),
        products: await app.dataSource.query(`SELECT * FROM product ORDER BY code`),
      });
      const before = await state();
      const bodies: Record<string, object> = {
        patch: { seats: 50 },
        put: { roles: [{ product: 'avocat', role: 'administrator' }] },
        post: {
          email: 'intrus@example.fr',
          civility: 'monsieur',
          family_name: 'Intrus',
          given_name: 'Paul',
          roles: [{ product: 'avocat', role: 'administrator' }],
        },
      };
      for (const token of [tokens.fiscal, tokens.firm])
        for (const route of routes().filter((r) => r.path.includes(subs.a) || r.path.includes(products.avocat))) {
          const body = route.path.endsWith('/members')
            ? bodies.post
            : route.path.includes('access-codes')
              ? {}
              : (bodies[route.method] ?? {});
          const res = await call(token, route.method, route.path).send(body);
          assertProblem(res, 404);
        }
      // Another product’s code in a new subscription is as unknown as a product that does not exist.
      assertProblem(await newSubscription(tokens.fiscal, { products: [{ code: 'avocat' }] }), 404, 'PRODUCT_NOT_FOUND');
      // A's member reached through B's path: B's client, B's subscription.
      assertProblem(await api(tokens.fiscal).get(`/api/v1/subscriptions/${subs.b}/members/${invited}`), 404);
      assertProblem(await api(tokens.fiscal).delete(`/api/v1/subscriptions/${subs.b}/members/${invited}`), 404);
      // The subscription of both products belongs to neither bound client.
      assertProblem(await api(tokens.avocat).get(`/api/v1/subscriptions/${subs.both}`), 404);
      assertProblem(await api(tokens.fiscal).patch(`/api/v1/subscriptions/${subs.both}`, { seats: 9 }), 404);
      assert.deepEqual(await state(), before);
      assert.equal(await count(`SELECT count(*)::int AS n FROM account WHERE email = 'intrus@example.fr'`), 0);
      assert.equal(await count(`SELECT count(*)::int AS n FROM subscription WHERE subscriber = 'Cabinet Dupont'`), 1);
      assert.equal((await api(tokens.publisher).get(`/api/v1/subscriptions/${subs.both}`)).status, 200);
    });

    it('answers bad input with a 400 problem in French, never a 500', async () => {
      const long = 'x'.repeat(5000);
      const cases: Array<[PromiseLike<request.Response>, string?]> = [
        [api(tokens.reader).get('/api/v1/subscriptions/pas-un-id')],
        [api(tokens.reader).get('/api/v1/products/123')],
        [api(tokens.reader).get(`/api/v1/subscriptions/${subs.a}/members/pas-un-id`)],
        [api(tokens.reader).get('/api/v1/subscriptions?cursor=n-importe-quoi'), 'INVALID_CURSOR'],
        [
          api(tokens.reader).get(`/api/v1/subscriptions?cursor=${Buffer.from('["x","y"]').toString('base64url')}`),
          'INVALID_CURSOR',
        ],
        [api(tokens.reader).get(`/api/v1/subscriptions/${subs.a}/members?cursor=WyJ4Il0`), 'INVALID_CURSOR'],
        [api(tokens.reader).get('/api/v1/products?limit=1000')],
        [
          api(tokens.reader).get(`/api/v1/products?cursor=${Buffer.from('["a\\u0000"]').toString('base64url')}`),
          'INVALID_CURSOR',
        ],
        [
          api(tokens.reader).get(`/api/v1/products?cursor=${Buffer.from('[1]').toString('base64url')}`),
          'INVALID_CURSOR',
        ],
        [api(tokens.reader).get('/api/v1/subscriptions?product=a%00b')],
        [newSubscription(tokens.publisher, { subscriber: 'Nul\u0000' })],
        [newSubscription(tokens.publisher, { subscriber: long }), 'VALIDATION_FAILED'],
        [newSubscription(tokens.publisher, { seats: 'cinq' }), 'VALIDATION_FAILED'],
        [newSubscription(tokens.publisher, { seats: 2.5 }), 'VALIDATION_FAILED'],
        [newSubscription(tokens.publisher, { products: 'avocat' }), 'VALIDATION_FAILED'],
        [newSubscription(tokens.publisher, { products: [1, null] }), 'VALIDATION_FAILED'],
        [newSubscription(tokens.publisher, { products: [{ code: 'avocat', sections: [{}] }] }), 'VALIDATION_FAILED'],
        [newSubscription(tokens.publisher, { products: [{ code: 'avocat', sections: ['penal'] }] }), 'INVALID_INPUT'],
        [newSubscription(tokens.publisher, { account_mode: 'gestion' }), 'VALIDATION_FAILED'],
        [newSubscription(tokens.publisher, { starts_on: '2026-13-45' }), 'INVALID_INPUT'],
        [newSubscription(tokens.publisher, { starts_on: 20260101 }), 'VALIDATION_FAILED'],
        [newSubscription(tokens.publisher, { admin: true }), 'VALIDATION_FAILED'],
        [
          api(tokens.publisher).post('/api/v1/products', { code: 'Pas Un Code', name: 'x', url: 'https://x.fr' }),
          'VALIDATION_FAILED',
        ],
        [
          api(tokens.publisher).post('/api/v1/products', { code: 'ok', name: 'x', url: 'pas-une-adresse' }),
          'INVALID_INPUT',
        ],
        [
          api(tokens.publisher).post('/api/v1/products', { code: 'ok', name: long, url: 'https://x.fr' }),
          'VALIDATION_FAILED',
        ],
        [
          api(tokens.publisher).post('/api/v1/products', { code: 'ok', name: 'x', url: 'https://x.fr', sections: 'a' }),
          'VALIDATION_FAILED',
        ],
        [api(tokens.publisher).patch(`/api/v1/subscriptions/${subs.a}`, { seats: '12' }), 'VALIDATION_FAILED'],
        [api(tokens.publisher).patch(`/api/v1/subscriptions/${subs.a}`, { seats: 0 }), 'VALIDATION_FAILED'],
        [invite(tokens.publisher, subs.a, long), 'VALIDATION_FAILED'],
        [invite(tokens.publisher, subs.a, 'pas-une-adresse'), 'INVALID_INPUT'],
        [invite(tokens.publisher, subs.a, 'a@b.fr', [1]), 'VALIDATION_FAILED'],
        [invite(tokens.publisher, subs.a, 'a@b.fr', [{ product: 'avocat', role: 'owner' }]), 'VALIDATION_FAILED'],
        [invite(tokens.publisher, subs.a, 'a@b.fr', [{ product: 'avocat|x', role: 'reader' }]), 'VALIDATION_FAILED'],
        [invite(tokens.publisher, subs.a, 'a@b.fr', [{ product: 'fiscal', role: 'reader' }]), 'INVALID_INPUT'],
        [
          api(tokens.publisher).post(`/api/v1/subscriptions/${subs.a}/access-codes/reset`, {
            email: 'pas-une-adresse',
          }),
          'INVALID_INPUT',
        ],
        [
          api(tokens.publisher).post(`/api/v1/subscriptions/${subs.a}/access-codes/reset`, { email: 42 }),
          'VALIDATION_FAILED',
        ],
        [
          call(tokens.publisher, 'post', '/api/v1/subscriptions')
            .set('Content-Type', 'application/json')
            .send('{"subscriber":'),
        ],
      ];
      for (const [req, code] of cases) {
        const res = await req;
        assertProblem(res, 400, code);
      }
      const fields = (await newSubscription(tokens.publisher, { subscriber: long, seats: 'cinq' })).body
        .errors as Array<{
        field: string;
        detail: string;
      }>;
      assert.deepEqual([...new Set(fields.map((f) => f.field))].sort(), ['seats', 'subscriber']);
      assert.ok(
        fields.every((f) => f.detail.length > 0 && !/must|should|property/.test(f.detail)),
        JSON.stringify(fields),
      );
      assert.ok(fields.some((f) => f.detail === 'Le nombre de places est un nombre entier.'));
      assert.equal(await count(`SELECT count(*)::int AS n FROM account WHERE email = 'a@b.fr'`), 0);
    });
  });

  it('describes every route in the OpenAPI document, with its scopes and Idempotency-Key on creations', async () => {
    const doc = await request(app.url).get('/api/docs/openapi.json');
    assert.equal(doc.status, 200);
    const paths = doc.body.paths as Record<
      string,
      Record<string, { 'x-scopes': string[]; parameters?: Array<{ name: string }> }>
    >;
    const expected: Array<[string, string, string]> = [
      ['/api/v1/products', 'get', 'subscriptions:read'],
      ['/api/v1/products', 'post', 'subscriptions:write'],
      ['/api/v1/products/{id}', 'get', 'subscriptions:read'],
      ['/api/v1/subscriptions', 'get', 'subscriptions:read'],
      ['/api/v1/subscriptions', 'post', 'subscriptions:write'],
      ['/api/v1/subscriptions/{id}', 'get', 'subscriptions:read'],
      ['/api/v1/subscriptions/{id}', 'patch', 'subscriptions:write'],
      ['/api/v1/subscriptions/{id}/members', 'get', 'subscriptions:read'],
      ['/api/v1/subscriptions/{id}/members', 'post', 'subscriptions:write'],
      ['/api/v1/subscriptions/{id}/members/{accountId}', 'get', 'subscriptions:read'],
      ['/api/v1/subscriptions/{id}/members/{accountId}', 'delete', 'subscriptions:write'],
      ['/api/v1/subscriptions/{id}/members/{accountId}/roles', 'put', 'subscriptions:write'],
      ['/api/v1/subscriptions/{id}/access-codes', 'get', 'subscriptions:read'],
      ['/api/v1/subscriptions/{id}/access-codes', 'post', 'subscriptions:write'],
      ['/api/v1/subscriptions/{id}/access-codes/reset', 'post', 'subscriptions:write'],
    ];
    for (const [path, method, scope] of expected) {
      const operation = paths[path]?.[method];
      assert.ok(operation, `${method} ${path}`);
      assert.deepEqual(operation['x-scopes'], [scope]);
    }
    for (const [path, method] of [
      ['/api/v1/products', 'post'],
      ['/api/v1/subscriptions', 'post'],
      ['/api/v1/subscriptions/{id}/members', 'post'],
    ])
      assert.ok(
        paths[path][method].parameters?.some((p) => p.name === 'Idempotency-Key'),
        `${method} ${path}`,
      );
    assert.ok(
      !paths['/api/v1/subscriptions/{id}/access-codes'].post.parameters?.some((p) => p.name === 'Idempotency-Key'),
    );
  });
});
