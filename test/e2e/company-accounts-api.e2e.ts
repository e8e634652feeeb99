import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { IdentityService } from '../../src/modules/identity';
import { CompanyAccounts, Teleprocedures } from '../../src/modules/secondary-accounts';
import { apiToken, registerApiClient } from '../support/api';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

describe('Company accounts API (/api/v1/company-accounts)', () => {
  let app: TestApp;
  let mailSystem: HttpSink;
  const ids: Record<string, string> = {};
  let reader: string;
  let writer: string;
  let other: string;

  const company = async (identifier: string, siret: string) => {
    const { id } = await app.app.get(IdentityService).createActiveAccount({
      email: `${identifier}@example.fr`,
      identifier,
      password: PASSWORD,
      givenName: 'Pierre',
      familyName: 'DUPONT',
    });
    await app.dataSource.query(
      `WITH numbers AS (INSERT INTO organisation_number (account_id, siren, siret) VALUES ($1, $2, $3))
       UPDATE account SET profile = 'entreprise', organisation_name = $4 WHERE id = $1`,
      [id, siret.slice(0, 9), siret, `SOCIETE ${identifier.toUpperCase()}`],
    );
    return (await app.app.get(CompanyAccounts).ensurePrimary(id))!;
  };

  before(async () => {
    mailSystem = await startHttpSink();
    app = await startTestApp({
      env: {
        MAILBOX_DOMAIN: 'boites.example.fr',
        MAILBOX_WEBHOOK_URL: `${mailSystem.url}/boites`,
        MAILBOX_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      },
    });
    const asp1ent = await company('asp1ent', '07955542100019');
    const autre = await company('autre', '73282932000074');
    ids.asp1ent = asp1ent.id;
    ids.autre = autre.id;
    const catalogue = app.app.get(Teleprocedures);
    await catalogue.add({ code: 'AED', description: 'Attestation Employeur Dématérialisée' });
    await catalogue.add({ code: 'DSI', description: 'Déclaration Sociale des Indépendants' });
    await catalogue.savePrimaryOptions(asp1ent, { quota: '0', teleprocedures: ['AED'] }, asp1ent.accountId!);
    const binding = { kind: 'company', id: asp1ent.id };
    reader = await apiToken(
      app,
      await registerApiClient(app, 'lecteur', 'company-accounts:read', binding),
      'company-accounts:read',
    );
    writer = await apiToken(
      app,
      await registerApiClient(app, 'gestion', 'company-accounts:read company-accounts:write', binding),
      'company-accounts:read company-accounts:write',
    );
    other = await apiToken(
      app,
      await registerApiClient(app, 'autre-robot', 'company-accounts:read company-accounts:write', {
        kind: 'company',
        id: autre.id,
      }),
      'company-accounts:read company-accounts:write',
    );
  });
  after(async () => {
    await app.close();
    await mailSystem.stop();
  });

  const api = (token: string) => ({
    get: (path: string) => request(app.url).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      request(app.url).post(path).set('Authorization', `Bearer ${token}`).send(body),
    patch: (path: string, body: object) =>
      request(app.url).patch(path).set('Authorization', `Bearer ${token}`).send(body),
  });

  it('reads the bound primary account, and nothing without a token or with another company’s id', async () => {
    const own = await api(reader).get(`/api/v1/company-accounts/${ids.asp1ent}`);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.body.login, 'asp1ent');
    assert.equal(own.body.siret, '07955542100019');
    assert.equal(own.body.account_type, 'primary');
    assert.deepEqual(own.body.teleprocedures, ['AED']);
    assert.equal((await request(app.url).get(`/api/v1/company-accounts/${ids.asp1ent}`)).status, 401);
    const foreign = await api(reader).get(`/api/v1/company-accounts/${ids.autre}`);
    assert.equal(foreign.status, 404);
    assert.match(foreign.headers['content-type'], /application\/problem\+json/);
    assert.equal((await api(other).get(`/api/v1/company-accounts/${ids.asp1ent}/secondary-accounts`)).status, 404);
    assert.equal((await api(reader).get('/api/v1/company-accounts/pas-un-id')).status, 400);
  });

  it('creates secondary accounts within the primary’s rights and quota, never for another company', async () => {
    const path = `/api/v1/company-accounts/${ids.asp1ent}/secondary-accounts`;
    const denied = await api(reader).post(path, { name: 'cs1', password: 'Parapluie-Rouge-42' });
    assert.equal(denied.status, 403, 'company-accounts:write is required');

    // Problem details stay French whatever the caller's language (docs/i18n.md); the pages' use case speaks English.
    const forged = await api(writer)
      .post(path, {
        name: 'cs1',
        password: 'Parapluie-Rouge-42',
        teleprocedures: ['AED', 'DSI'],
      })
      .set('Accept-Language', 'en');
    assert.equal(forged.status, 400);
    assert.match(JSON.stringify(forged.body), /ne peut disposer de plus de droits que le compte principal : DSI/);
    const quota = await api(writer).post(path, { name: 'cs1', password: 'Parapluie-Rouge-42', mailbox: true });
    assert.ok([400, 409].includes(quota.status), JSON.stringify(quota.body));

    const created = await api(writer)
      .post(path, { name: 'cs1', password: 'Parapluie-Rouge-42', teleprocedures: ['AED'] })
      .set('Idempotency-Key', 'creation-cs1');
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.login, 'cs1.asp1ent');
    assert.equal(created.body.account_type, 'secondary');
    assert.deepEqual(created.body.teleprocedures, ['AED']);
    const replay = await api(writer)
      .post(path, { name: 'cs1', password: 'Parapluie-Rouge-42', teleprocedures: ['AED'] })
      .set('Idempotency-Key', 'creation-cs1');
    assert.equal(replay.status, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');

    const intruder = await api(other).post(path, { name: 'cs9', password: 'Parapluie-Rouge-42' });
    assert.equal(intruder.status, 404);
    const list = await api(reader).get(`${path}?limit=1`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.map((s: { login: string }) => s.login),
      ['cs1.asp1ent'],
    );
    assert.equal(list.body.nextCursor, null);
    assert.equal((await api(reader).get(`${path}?cursor=n-importe-quoi`)).status, 400);
  });

  it('deactivates and reactivates a secondary account; another company’s client changes nothing', async () => {
    const [{ id }] = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM company_account WHERE login = 'cs1.asp1ent'`,
    );
    const base = `/api/v1/company-accounts/${ids.asp1ent}/secondary-accounts/${id}`;
    const foreign = await api(other).post(`/api/v1/company-accounts/${ids.autre}/secondary-accounts/${id}/deactivate`);
    assert.equal(foreign.status, 404);
    assert.equal((await api(other).post(`${base}/deactivate`)).status, 404);
    const status = async () =>
      (
        await app.dataSource.query<Array<{ status: string; account_status: string }>>(
          `SELECT c.status, a.status AS account_status FROM company_account c JOIN account a ON a.id = c.account_id
           WHERE c.id = $1`,
          [id],
        )
      )[0];
    assert.deepEqual(await status(), { status: 'open', account_status: 'active' });
    const closed = await api(writer).post(`${base}/deactivate`);
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.status, 'closed');
    assert.deepEqual(await status(), { status: 'closed', account_status: 'disabled' });
    const open = await api(writer).post(`${base}/reactivate`);
    assert.equal(open.body.status, 'open');
    assert.deepEqual(await status(), { status: 'open', account_status: 'active' });
    const [{ actor_type, actor_id }] = await app.dataSource.query<Array<{ actor_type: string; actor_id: string }>>(
      `SELECT actor_type, actor_id FROM audit_event WHERE action = 'secondary-accounts.secondary.reactivated'`,
    );
    assert.deepEqual({ actor_type, actor_id }, { actor_type: 'client', actor_id: 'gestion' });
  });

  it('modifies a secondary account with the pages’ rules; forged fields and another company’s ids change nothing', async () => {
    const own = `/api/v1/company-accounts/${ids.asp1ent}/secondary-accounts`;
    const created = await api(writer).post(own, { name: 'modif', password: 'Parapluie-Rouge-42', teleprocedures: [] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sid = created.body.id as string;
    const theirs = await api(other).post(`/api/v1/company-accounts/${ids.autre}/secondary-accounts`, {
      name: 'voisin',
      password: 'Parapluie-Rouge-42',
    });
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
    const row = async (id: string) =>
      (
        await app.dataSource.query<Array<Record<string, unknown>>>(
          `SELECT autonomous, has_mailbox, mailbox_address, password_reset_required, city, siren, login, status,
                  archiving_subscribed,
                  (SELECT coalesce(array_agg(teleprocedure_code ORDER BY teleprocedure_code), '{}')
                   FROM company_teleprocedure WHERE company_account_id = c.id) AS teleprocedures
           FROM company_account c WHERE id = $1`,
          [id],
        )
      )[0];
    const before = await row(sid);
    const theirsBefore = await row(theirs.body.id as string);

    // Another company's secondary, through this company's token (under either path): 404, nothing changed.
    for (const path of [
      `${own}/${theirs.body.id}`,
      `/api/v1/company-accounts/${ids.autre}/secondary-accounts/${theirs.body.id}`,
    ]) {
      const refused = await api(writer).patch(path, { autonomous: true, city: 'LYON' });
      assert.equal(refused.status, 404, path);
      assert.match(refused.headers['content-type'], /application\/problem\+json/);
    }
    assert.equal((await api(other).patch(`${own}/${sid}`, { autonomous: true })).status, 404);
    assert.deepEqual(await row(theirs.body.id as string), theirsBefore);
    assert.equal((await api(reader).patch(`${own}/${sid}`, { autonomous: true })).status, 403);

    // Forged fields: refused, nothing saved.
    for (const forged of [
      { siren: '552100554' },
      { login: 'autre.asp1ent' },
      { status: 'open', autonomous: true },
      { secondary_quota: 9 },
      { primary_id: ids.autre },
    ]) {
      const refused = await api(writer).patch(`${own}/${sid}`, forged);
      assert.equal(refused.status, 400, JSON.stringify(forged));
    }
    const beyond = await api(writer).patch(`${own}/${sid}`, { teleprocedures: ['AED', 'DSI'], autonomous: true });
    assert.equal(beyond.status, 400);
    assert.match(JSON.stringify(beyond.body), /ne peut disposer de plus de droits que le compte principal : DSI/);
    // All or nothing: a wrong « Identité » field leaves the options alone too.
    const wrongEmail = await api(writer).patch(`${own}/${sid}`, { email: 'pas-une-adresse', autonomous: true });
    assert.equal(wrongEmail.status, 400, JSON.stringify(wrongEmail.body));
    assert.deepEqual(await row(sid), before);

    // The mailbox counts in the quota (0 here): refused, then allowed once the primary raises it.
    const full = await api(writer).patch(`${own}/${sid}`, { mailbox: true });
    assert.equal(full.status, 409, JSON.stringify(full.body));
    assert.deepEqual(await row(sid), before);
    const primary = (await app.app.get(CompanyAccounts).primaryById(ids.asp1ent))!;
    await app.app
      .get(Teleprocedures)
      .savePrimaryOptions(primary, { quota: '1', teleprocedures: ['AED'] }, primary.accountId!);

    const change = {
      mailbox: true,
      autonomous: true,
      teleprocedures: ['AED'],
      archiving_subscribed: true,
      city: 'LYON',
    };
    const webhooks = async () =>
      (
        await app.dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM outbox_message WHERE channel = 'webhook' AND data::text LIKE '%modif.asp1ent%'`,
        )
      )[0].n;
    const saved = await api(writer).patch(`${own}/${sid}`, change);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.mailbox, 'modif.asp1ent@boites.example.fr');
    assert.equal(saved.body.autonomous, true);
    assert.deepEqual(saved.body.teleprocedures, ['AED']);
    assert.equal(saved.body.password_reset_required, true, 'the holder must reset the password');
    assert.match(saved.body.warning, /devra impérativement réinitialiser son mot de passe/);
    assert.deepEqual(await row(sid), {
      ...before,
      autonomous: true,
      has_mailbox: true,
      mailbox_address: 'modif.asp1ent@boites.example.fr',
      password_reset_required: true,
      archiving_subscribed: true,
      city: 'LYON',
      teleprocedures: ['AED'],
    });
    assert.equal(await webhooks(), 1, 'mailbox.created queued with the change');
    // The same request again: the same state, no second mailbox, no warning.
    const again = await api(writer).patch(`${own}/${sid}`, change);
    assert.equal(again.status, 200);
    assert.equal(again.body.warning, undefined);
    assert.equal(await webhooks(), 1);
    // What is left out stays.
    const partial = await api(writer).patch(`${own}/${sid}`, { autonomous: false });
    assert.equal(partial.body.mailbox, 'modif.asp1ent@boites.example.fr');
    assert.equal((await row(sid)).city, 'LYON');
    const [{ actor_type, actor_id }] = await app.dataSource.query<Array<{ actor_type: string; actor_id: string }>>(
      `SELECT actor_type, actor_id FROM audit_event WHERE action = 'secondary-accounts.identity.updated'`,
    );
    assert.deepEqual({ actor_type, actor_id }, { actor_type: 'client', actor_id: 'gestion' });
    assert.deepEqual(await row(theirs.body.id as string), theirsBefore, 'the other company’s untouched throughout');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await request(app.url).get('/api/docs/openapi.json');
    assert.equal(doc.status, 200);
    const paths = Object.keys(doc.body.paths as object);
    assert.ok(paths.includes('/api/v1/company-accounts/{id}'), paths.join(' '));
    assert.ok(paths.includes('/api/v1/company-accounts/{id}/secondary-accounts'));
    const patch = doc.body.paths['/api/v1/company-accounts/{id}/secondary-accounts/{secondaryId}']?.patch;
    assert.ok(patch, 'PATCH of a secondary account');
    assert.deepEqual(patch.security, [{ oauth2: ['company-accounts:write'] }]);
  });
});
