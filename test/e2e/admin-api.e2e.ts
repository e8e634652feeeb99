import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { NotificationsService, OutboxWorker } from '../../src/modules/notifications';
import { AuditService } from '../../src/platform/audit';
import { makeAccount } from '../support/admin';
import { apiToken, registerApiClient, requestToken } from '../support/api';
import { apiRoutes, routeInventory } from '../support/routes';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const UNKNOWN_UUID = '00000000-0000-4000-8000-00000000abcd';

describe('Administration API (/api/v1/admin)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let readToken: string;
  let writeToken: string;
  let otherToken: string;
  let failedMessage: string;

  before(async () => {
    smtp = await startSmtpServer({ rejectRecipient: (address) => address.startsWith('refuse') });
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    readToken = await apiToken(app, await registerApiClient(app, 'ops-lecture', 'admin:read'), 'admin:read');
    writeToken = await apiToken(
      app,
      await registerApiClient(app, 'ops-ecriture', 'admin:read admin:write'),
      'admin:read admin:write',
    );
    const other = await registerApiClient(app, 'crm', 'subscriptions:read subscriptions:write');
    otherToken = await apiToken(app, other, 'subscriptions:read subscriptions:write');
    failedMessage = await app.dataSource.transaction((manager) =>
      app.app
        .get(NotificationsService)
        .enqueueEmail(manager, { to: 'refuse@example.fr', template: 'test-email', data: { sentAt: 'maintenant' } }),
    );
    await app.app.get(OutboxWorker).deliverDue();
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  const as = (token: string) => ({
    get: (path: string) => request(app.url).get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body?: object) => {
      const req = request(app.url).post(path).auth(token, { type: 'bearer' });
      return body ? req.send(body) : req;
    },
    delete: (path: string) => request(app.url).delete(path).auth(token, { type: 'bearer' }),
    patch: (path: string, body: object) => request(app.url).patch(path).auth(token, { type: 'bearer' }).send(body),
  });
  const problem = (res: request.Response) =>
    JSON.parse(res.text) as { code: string; errors?: Array<{ field: string }> };
  const adminRoutes = () =>
    apiRoutes(routeInventory(app.app)).filter((r) => r.path.startsWith('/api/v1/admin/') || r.path === '/api/v1/admin');
  const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, UNKNOWN_UUID);
  type Verb = 'get' | 'post' | 'delete' | 'patch';
  const send = (token: string, method: string, path: string) => {
    const agent = request(app.url);
    return agent[method.toLowerCase() as Verb](concrete(path)).auth(token, { type: 'bearer' });
  };
  const lastEvent = async (action: string) => (await app.app.get(AuditService).latest(1, { action }))[0];

  describe('access (route inventory)', () => {
    it('every admin route asks for admin:read (reads) or admin:write (writes)', () => {
      const routes = adminRoutes();
      assert.ok(routes.length >= 18, `routes : ${routes.length}`);
      for (const route of routes)
        assert.deepEqual(route.scopes, [route.method === 'GET' ? 'admin:read' : 'admin:write'], route.name);
    });

    it('refuses every admin route to a token without admin scopes (403), and without token (401)', async () => {
      for (const route of adminRoutes()) {
        const res = await send(otherToken, route.method, route.path);
        assert.equal(res.status, 403, `${route.method} ${route.path}`);
        assert.equal(problem(res).code, 'INSUFFICIENT_SCOPE');
        const anonymous = await request(app.url)[route.method.toLowerCase() as 'get'](concrete(route.path));
        assert.equal(anonymous.status, 401, `${route.method} ${route.path}`);
      }
    });

    it('refuses every write to an admin:read token (403), with nothing changed', async () => {
      const before = await app.dataSource.query(`SELECT count(*) AS n FROM audit_event WHERE action LIKE 'admin.%'`);
      const writes = adminRoutes().filter((r) => r.method !== 'GET');
      assert.ok(writes.length >= 9);
      for (const route of writes) {
        const res = await send(readToken, route.method, route.path);
        assert.equal(res.status, 403, `${route.method} ${route.path}`);
      }
      assert.deepEqual(
        await app.dataSource.query(`SELECT count(*) AS n FROM audit_event WHERE action LIKE 'admin.%'`),
        before,
      );
    });

    it('lists the admin operations in the OpenAPI document', async () => {
      const doc = (await request(app.url).get('/api/docs/openapi.json')).body as { paths: Record<string, unknown> };
      for (const path of [
        '/api/v1/admin/accounts/{id}/disable',
        '/api/v1/admin/audit',
        '/api/v1/admin/keys/rotate',
        '/api/v1/admin/clients/{clientId}/disable',
        '/api/v1/admin/outbox/retry-failed',
      ])
        assert.ok(doc.paths[path], path);
    });
  });

  describe('accounts', () => {
    it('searches, reads, disables and enables, each write audited with the client, before and after', async () => {
      const account = await makeAccount(app, 'dominique.api');
      const found = await as(readToken).get('/api/v1/admin/accounts?q=dominique.api');
      assert.equal(found.status, 200);
      assert.deepEqual(
        (found.body.data as Array<{ id: string }>).map((a) => a.id),
        [account.id],
      );
      assert.equal((await as(readToken).get(`/api/v1/admin/accounts/${account.id}`)).body.status, 'active');

      const disabled = await as(writeToken).post(`/api/v1/admin/accounts/${account.id}/disable`);
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.status, 'disabled');
      const event = await lastEvent('admin.account.disabled');
      assert.equal(event.actorType, 'client');
      assert.equal(event.actorId, 'ops-ecriture');
      assert.equal(event.targetId, account.id);
      assert.deepEqual(event.details, { before: { status: 'active' }, after: { status: 'disabled' } });

      const enabled = await as(writeToken).post(`/api/v1/admin/accounts/${account.id}/enable`);
      assert.equal(enabled.body.status, 'active');
      assert.equal((await lastEvent('admin.account.enabled')).actorId, 'ops-ecriture');
    });

    it('sends a reset link and ends sessions (audited), refuses to resend activation to an active account', async () => {
      const account = await makeAccount(app, 'alix.api');
      assert.equal((await as(writeToken).post(`/api/v1/admin/accounts/${account.id}/send-password-reset`)).status, 200);
      assert.equal((await lastEvent('admin.account.password_reset_sent')).targetId, account.id);
      assert.equal((await as(writeToken).post(`/api/v1/admin/accounts/${account.id}/end-sessions`)).status, 200);
      assert.equal((await lastEvent('admin.account.sessions_ended')).actorId, 'ops-ecriture');
      const resent = await as(writeToken).post(`/api/v1/admin/accounts/${account.id}/resend-activation`);
      assert.ok(resent.status >= 400 && resent.status < 500, String(resent.status));
      assert.match(resent.headers['content-type'], /application\/problem\+json/);
    });

    it('deletes an account only with its identifier as confirmation', async () => {
      const account = await makeAccount(app, 'camille.api');
      const refused = await as(writeToken).delete(`/api/v1/admin/accounts/${account.id}?confirmation=autre`);
      assert.equal(refused.status, 400);
      assert.deepEqual(
        problem(refused).errors?.map((e) => e.field),
        ['confirmation'],
      );
      assert.equal((await as(readToken).get(`/api/v1/admin/accounts/${account.id}`)).status, 200);
      const deleted = await as(writeToken).delete(`/api/v1/admin/accounts/${account.id}?confirmation=camille.api`);
      assert.equal(deleted.status, 204);
      assert.equal((await as(readToken).get(`/api/v1/admin/accounts/${account.id}`)).status, 404);
      const event = await lastEvent('admin.account.deleted');
      assert.deepEqual([event.actorType, event.actorId, event.details.after], ['client', 'ops-ecriture', null]);
    });

    it('answers 404 for an unknown or malformed id, with nothing changed', async () => {
      for (const id of [UNKNOWN_UUID, 'pas-un-id', "1' OR '1'='1"]) {
        const res = await as(writeToken).post(`/api/v1/admin/accounts/${encodeURIComponent(id)}/disable`);
        assert.equal(res.status, 404, id);
        assert.equal(problem(res).code, 'ACCOUNT_NOT_FOUND');
      }
    });
  });

  describe('clients', () => {
    it('creates a client whose secret is shown once and works, reads and lists it, rotates its secret', async () => {
      const created = await as(writeToken).post('/api/v1/admin/clients', {
        clientId: 'robot-api-cree',
        name: 'Robot créé par l’API',
        grantTypes: ['client_credentials'],
        scope: 'admin:read',
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.client.clientId, 'robot-api-cree');
      const secret = created.body.clientSecret as string;
      assert.ok(secret.length >= 32);
      const first = { clientId: 'robot-api-cree', clientSecret: secret };
      assert.equal((await requestToken(app, first, { scope: 'admin:read' })).status, 200);
      const event = await lastEvent('admin.client.created');
      assert.deepEqual([event.actorType, event.actorId, event.details.before], ['client', 'ops-ecriture', null]);
      assert.doesNotMatch(JSON.stringify(event.details), new RegExp(secret));

      assert.equal((await as(readToken).get('/api/v1/admin/clients/robot-api-cree')).body.scope, 'admin:read');
      const list = await as(readToken).get('/api/v1/admin/clients');
      assert.ok((list.body.data as Array<{ clientId: string }>).some((c) => c.clientId === 'robot-api-cree'));

      const rotated = await as(writeToken).post('/api/v1/admin/clients/robot-api-cree/rotate-secret');
      assert.equal(rotated.status, 200);
      assert.equal((await requestToken(app, first, { scope: 'admin:read' })).status, 401);
      const renewed = { clientId: 'robot-api-cree', clientSecret: rotated.body.clientSecret as string };
      assert.equal((await requestToken(app, renewed, { scope: 'admin:read' })).status, 200);
      assert.equal((await lastEvent('admin.client.secret_rotated')).actorId, 'ops-ecriture');
    });

    it('refuses invalid metadata with the fields, a duplicate, and an unknown client', async () => {
      const invalid = await as(writeToken).post('/api/v1/admin/clients', { clientId: 5, grantTypes: ['implicit'] });
      assert.equal(invalid.status, 400);
      const fields = new Set(problem(invalid).errors?.map((e) => e.field));
      assert.deepEqual([...fields].sort(), ['clientId', 'grantTypes']);
      const bad = await as(writeToken).post('/api/v1/admin/clients', {
        clientId: 'site-sans-retour',
        grantTypes: ['authorization_code'],
      });
      assert.equal(bad.status, 400);
      assert.equal(problem(bad).code, 'CLIENT_INVALID');
      const duplicate = await as(writeToken).post('/api/v1/admin/clients', {
        clientId: 'ops-lecture',
        grantTypes: ['client_credentials'],
      });
      assert.equal(duplicate.status, 400);
      assert.equal((await as(readToken).get('/api/v1/admin/clients/absent')).status, 404);
      assert.equal((await as(writeToken).post('/api/v1/admin/clients/absent/rotate-secret')).status, 404);
    });
    it('updates a client with the provider’s checks (before/after audited), only the fields given', async () => {
      const created = await as(writeToken).post('/api/v1/admin/clients', {
        clientId: 'site-api-modifie',
        name: 'Site avant',
        redirectUris: ['https://site-api.example.fr/retour'],
        grantTypes: ['authorization_code'],
        scope: 'openid email',
      });
      assert.equal(created.status, 201, created.text);
      const updated = await as(writeToken).patch('/api/v1/admin/clients/site-api-modifie', {
        name: 'Site après',
        redirectUris: ['https://site-api.example.fr/nouveau-retour'],
        logoUri: 'https://site-api.example.fr/logo.png',
      });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.name, 'Site après');
      assert.deepEqual(updated.body.redirectUris, ['https://site-api.example.fr/nouveau-retour']);
      assert.equal(updated.body.logoUri, 'https://site-api.example.fr/logo.png');
      assert.equal(updated.body.scope, 'openid email', 'a field not given stays');
      assert.deepEqual(updated.body.grantTypes, ['authorization_code']);
      const event = await lastEvent('admin.client.updated');
      assert.deepEqual(
        [event.actorType, event.actorId, event.targetId],
        ['client', 'ops-ecriture', 'site-api-modifie'],
      );
      const details = event.details as { before: Record<string, unknown>; after: Record<string, unknown> };
      assert.deepEqual(details.before.redirect_uris, ['https://site-api.example.fr/retour']);
      assert.deepEqual(details.after.redirect_uris, ['https://site-api.example.fr/nouveau-retour']);
      assert.equal(details.before.client_name, 'Site avant');
      assert.ok(!JSON.stringify(details).includes(created.body.clientSecret as string), 'no secret in the trail');

      const stored = async () => (await as(readToken).get('/api/v1/admin/clients/site-api-modifie')).body as object;
      const kept = await stored();
      const refusals: Array<[object, RegExp | string]> = [
        [{ redirectUris: ['pas-une-adresse'] }, 'CLIENT_INVALID'],
        [{ logoUri: 'http://site-api.example.fr/logo.png' }, 'CLIENT_INVALID'],
        [{ grantTypes: [] }, 'CLIENT_INVALID'],
        [{ grantTypes: ['implicit'] }, 'VALIDATION_FAILED'],
        [{ name: 5 }, 'VALIDATION_FAILED'],
        [{ requirePar: 'oui' }, 'VALIDATION_FAILED'],
        [{ name: 'x'.repeat(201) }, 'VALIDATION_FAILED'],
        [{}, 'CLIENT_INVALID'],
      ];
      for (const [body, code] of refusals) {
        const res = await as(writeToken).patch('/api/v1/admin/clients/site-api-modifie', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.type, 'application/problem+json');
        assert.equal(problem(res).code, code, JSON.stringify(body));
        assert.match((res.body as { detail?: string; title: string }).detail ?? res.body.title, /[a-zé]/);
      }
      const logo = await as(writeToken).patch('/api/v1/admin/clients/site-api-modifie', { logoUri: 'ftp://x' });
      assert.deepEqual(
        problem(logo).errors?.map((e) => e.field),
        ['logoUri'],
      );
      assert.match(logo.text, /Adresse https:\/\/ attendue/);
      assert.deepEqual(await stored(), kept, 'nothing changed by the refusals');
      assert.equal((await as(writeToken).patch('/api/v1/admin/clients/absent', { name: 'x' })).status, 404);
      const own = await as(writeToken).patch('/api/v1/admin/clients/plateforme-compte', { name: 'Pirate' });
      assert.equal(own.status, 400, 'the platform’s own spaces are not edited');
    });

    it('disables a client (its tokens refused at once) and enables it again, audited with before/after', async () => {
      const created = await as(writeToken).post('/api/v1/admin/clients', {
        clientId: 'robot-a-desactiver',
        grantTypes: ['client_credentials'],
        scope: 'admin:read',
      });
      const robot = { clientId: 'robot-a-desactiver', clientSecret: created.body.clientSecret as string };
      assert.equal((await requestToken(app, robot, { scope: 'admin:read' })).status, 200);
      const disabled = await as(writeToken).post('/api/v1/admin/clients/robot-a-desactiver/disable');
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.disabled, true);
      assert.equal((await requestToken(app, robot, { scope: 'admin:read' })).status, 401, 'refused while disabled');
      const off = await lastEvent('admin.client.disabled');
      assert.deepEqual([off.actorType, off.actorId, off.targetId], ['client', 'ops-ecriture', 'robot-a-desactiver']);
      assert.deepEqual(off.details, { before: { disabled: false }, after: { disabled: true } });
      const enabled = await as(writeToken).post('/api/v1/admin/clients/robot-a-desactiver/enable');
      assert.equal(enabled.status, 200);
      assert.equal(enabled.body.disabled, false);
      assert.equal((await requestToken(app, robot, { scope: 'admin:read' })).status, 200);
      assert.deepEqual((await lastEvent('admin.client.enabled')).details, {
        before: { disabled: true },
        after: { disabled: false },
      });
      for (const action of ['disable', 'enable']) {
        assert.equal((await as(writeToken).post(`/api/v1/admin/clients/absent/${action}`)).status, 404);
        assert.equal((await as(writeToken).post(`/api/v1/admin/clients/plateforme-console/${action}`)).status, 400);
      }
    });
  });

  describe('keys', () => {
    it('lists the signing keys without private parts, and rotates them (audited)', async () => {
      const listed = await as(readToken).get('/api/v1/admin/keys');
      assert.equal(listed.status, 200);
      assert.deepEqual((listed.body.data as Array<{ alg: string }>).map((k) => k.alg).sort(), [
        'ES256',
        'EdDSA',
        'RS256',
      ]);
      assert.doesNotMatch(listed.text, /"d"|privateJwk/);
      const rotated = await as(writeToken).post('/api/v1/admin/keys/rotate');
      assert.equal(rotated.status, 201);
      assert.deepEqual(
        (rotated.body.data as Array<{ state: string }>).map((k) => k.state),
        ['publiée', 'publiée', 'publiée'],
      );
      const event = await lastEvent('admin.keys.rotated');
      assert.equal(event.actorId, 'ops-ecriture');
      assert.equal((event.details.after as { newKeys: string[] }).newKeys.length, 3);
    });
  });

  describe('outbox', () => {
    it('lists by status, reads a message without its data, retries a failed one (audited)', async () => {
      const failed = await as(readToken).get('/api/v1/admin/outbox?status=failed');
      assert.equal(failed.status, 200);
      assert.deepEqual(
        (failed.body.data as Array<{ id: string }>).map((m) => m.id),
        [failedMessage],
      );
      const message = await as(readToken).get(`/api/v1/admin/outbox/${failedMessage}`);
      assert.equal(message.body.recipient, 'refuse@example.fr');
      assert.equal(message.body.data, undefined);
      const retried = await as(writeToken).post(`/api/v1/admin/outbox/${failedMessage}/retry`);
      assert.equal(retried.status, 200);
      assert.equal(retried.body.status, 'pending');
      const event = await lastEvent('admin.outbox.retried');
      assert.equal(event.actorId, 'ops-ecriture');
      assert.deepEqual(event.details.after, { status: 'pending', attempts: 0 });
      const again = await as(writeToken).post(`/api/v1/admin/outbox/${failedMessage}/retry`);
      assert.equal(again.status, 409);
      assert.equal((await as(readToken).get(`/api/v1/admin/outbox/${UNKNOWN_UUID}`)).status, 404);
      assert.equal((await as(readToken).get('/api/v1/admin/outbox?status=perdu')).status, 400);
    });
    it('retries every failed message at once (each audited with the client), then finds none', async () => {
      const notifications = app.app.get(NotificationsService);
      for (const to of ['refuse.trois@example.fr', 'refuse.quatre@example.fr'])
        await app.dataSource.transaction((manager) =>
          notifications.enqueueEmail(manager, { to, template: 'test-email', data: { sentAt: 'maintenant' } }),
        );
      await app.app.get(OutboxWorker).deliverDue();
      const failedIds = (
        await app.dataSource.query<Array<{ id: string }>>(`SELECT id FROM outbox_message WHERE status = 'failed'`)
      ).map((r) => r.id);
      assert.ok(failedIds.length >= 2);
      const before = Number(
        (await app.dataSource.query(`SELECT count(*) AS n FROM audit_event WHERE action = 'admin.outbox.retried'`))[0]
          .n,
      );
      const res = await as(writeToken).post('/api/v1/admin/outbox/retry-failed');
      assert.equal(res.status, 200);
      assert.equal(res.body.retried, failedIds.length);
      assert.deepEqual([...(res.body.ids as string[])].sort(), [...failedIds].sort());
      const [{ n }] = await app.dataSource.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM outbox_message WHERE status = 'failed'`,
      );
      assert.equal(Number(n), 0);
      const events = await app.dataSource.query<Array<{ actor_id: string; target_id: string; details: unknown }>>(
        `SELECT actor_id, target_id, details FROM audit_event WHERE action = 'admin.outbox.retried' ORDER BY id DESC LIMIT $1`,
        [failedIds.length],
      );
      assert.equal(
        Number(
          (await app.dataSource.query(`SELECT count(*) AS n FROM audit_event WHERE action = 'admin.outbox.retried'`))[0]
            .n,
        ),
        before + failedIds.length,
      );
      assert.deepEqual(events.map((e) => e.target_id).sort(), [...failedIds].sort());
      for (const e of events) {
        assert.equal(e.actor_id, 'ops-ecriture');
        assert.deepEqual((e.details as { after: unknown }).after, { status: 'pending', attempts: 0 });
      }
      const none = await as(writeToken).post('/api/v1/admin/outbox/retry-failed');
      assert.deepEqual(none.body, { retried: 0, ids: [] });
    });
  });

  describe('audit trail', () => {
    it('filters by actor and action, and walks cursor pages', async () => {
      const all: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await as(readToken)
          .get('/api/v1/admin/audit')
          .query({ actor: 'ops-ecriture', action: 'admin.', limit: 2, ...(cursor ? { cursor } : {}) });
        assert.equal(res.status, 200);
        for (const event of res.body.data as Array<{ id: string; actorId: string; action: string }>) {
          assert.equal(event.actorId, 'ops-ecriture');
          assert.ok(event.action.startsWith('admin.'));
          all.push(event.id);
        }
        cursor = res.body.nextCursor as string | null;
        pages += 1;
      } while (cursor && pages < 50);
      const expected = await app.app.get(AuditService).search({ actorId: 'ops-ecriture', action: 'admin.' }, 1000);
      assert.deepEqual(
        all,
        expected.map((e) => e.id),
      );
      assert.ok(pages >= 2);
      const one = await as(readToken).get(`/api/v1/admin/audit/${all[0]}`);
      assert.equal(one.body.id, all[0]);
      assert.equal((await as(readToken).get('/api/v1/admin/audit/999999999')).status, 404);
      assert.equal((await as(readToken).get('/api/v1/admin/audit?cursor=nimporte')).status, 400);
      assert.equal((await as(readToken).get('/api/v1/admin/audit?since=hier')).status, 400);
    });
  });
});
