import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { FirmsService } from '../../src/modules/client-space';
import { apiToken, registerApiClient } from '../support/api';
import { FORGED, makeFirm, PDF } from '../support/client-space';
import { startTestApp, type TestApp } from '../support/test-app';

describe('Client space API (/api/v1/firms/{firm}/…)', () => {
  let app: TestApp;
  let firmA: string;
  let firmB: string;
  let interlocutor: string;
  let writerA: string;
  let readerA: string;
  let readerB: string;

  const api = (method: 'get' | 'post', path: string, token?: string) => {
    const call = request(app.url)[method](path);
    return token ? call.auth(token, { type: 'bearer' }) : call;
  };

  before(async () => {
    app = await startTestApp();
    const a = await makeFirm(app, 'Cabinet Delmas', 'fabien.delmas');
    const b = await makeFirm(app, 'Cabinet Autre', 'autre.avocat');
    firmA = a.firm.id;
    firmB = b.firm.id;
    interlocutor = a.staff.id;
    const writer = await registerApiClient(app, 'logiciel-a', 'client-space:read client-space:write', {
      kind: 'firm',
      id: firmA,
    });
    const reader = await registerApiClient(app, 'lecture-a', 'client-space:read', { kind: 'firm', id: firmA });
    const other = await registerApiClient(app, 'logiciel-b', 'client-space:read client-space:write', {
      kind: 'firm',
      id: firmB,
    });
    writerA = await apiToken(app, writer, 'client-space:read client-space:write');
    readerA = await apiToken(app, reader, 'client-space:read');
    readerB = await apiToken(app, other, 'client-space:read client-space:write');
  });
  after(async () => app.close());

  it('invites a client, opens a dossier, adds and shares items; refuses a forged file type', async () => {
    const client = await api('post', `/api/v1/firms/${firmA}/clients`, writerA).send({
      kind: 'personne',
      family_name: 'ALEXANDER',
      given_name: 'Luce',
      email: 'luce@example.fr',
    });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    assert.equal(client.body.email, 'luce@example.fr');
    const wrong = await api('post', `/api/v1/firms/${firmA}/clients`, writerA).send({ kind: 'personne', email: 'x' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.headers['content-type'], /application\/problem\+json/);

    const dossier = await api('post', `/api/v1/firms/${firmA}/dossiers`, writerA).send({
      number: '2017IIDOS/1529',
      label: 'ALEXAN',
      interlocutor_id: interlocutor,
      client_ids: [client.body.id],
    });
    assert.equal(dossier.status, 201, JSON.stringify(dossier.body));
    const item = await api('post', `/api/v1/firms/${firmA}/dossiers/${dossier.body.id}/items`, writerA).send({
      kind: 'document',
      title: 'Lettre au client',
      date: '2024-01-08',
      file: { name: 'lettre.pdf', content_base64: PDF.toString('base64') },
    });
    assert.equal(item.status, 201, JSON.stringify(item.body));
    assert.equal(item.body.shared, false);
    const forged = await api('post', `/api/v1/firms/${firmA}/dossiers/${dossier.body.id}/items`, writerA).send({
      kind: 'document',
      title: 'Faux',
      date: '2024-01-08',
      file: { name: 'faux.pdf', content_base64: FORGED.toString('base64') },
    });
    assert.equal(forged.status, 400);
    const shared = await api('post', `/api/v1/firms/${firmA}/items/${item.body.id}/share`, writerA);
    assert.equal(shared.status, 200);
    assert.equal(shared.body.shared, true);
    const [digest] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox_message WHERE template = 'client-space-digest' AND recipient = 'luce@example.fr'`,
    );
    assert.equal(digest.n, 1);
    const list = await api('get', `/api/v1/firms/${firmA}/dossiers/${dossier.body.id}/items?limit=1`, readerA);
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1);
    const clients = await api('get', `/api/v1/firms/${firmA}/clients`, readerA);
    assert.deepEqual(
      clients.body.data.map((c: { email: string }) => c.email),
      ['luce@example.fr'],
    );
    for (const path of ['messages', 'contact-change-requests', 'dossiers']) {
      const res = await api('get', `/api/v1/firms/${firmA}/${path}`, readerA);
      assert.equal(res.status, 200, path);
      assert.ok(Array.isArray(res.body.data));
    }
  });

  it('binds tokens to their firm and their scopes: no token, a read scope, another firm’s path or ids change nothing', async () => {
    assert.equal((await api('get', `/api/v1/firms/${firmA}/clients`)).status, 401);
    const readOnly = await api('post', `/api/v1/firms/${firmA}/clients`, readerA).send({ kind: 'personne' });
    assert.equal(readOnly.status, 403);
    // Firm B's token on firm A's path, and firm A's token on firm B's path: 404.
    assert.equal((await api('get', `/api/v1/firms/${firmA}/clients`, readerB)).status, 404);
    assert.equal((await api('get', `/api/v1/firms/${firmB}/clients`, readerA)).status, 404);
    const [item] = await app.dataSource.query<Array<{ id: string; dossier_id: string }>>(
      `SELECT id, dossier_id FROM shared_item WHERE title = 'Lettre au client'`,
    );
    // Firm A's ids under firm B's own path: 404, and nothing changes.
    assert.equal((await api('post', `/api/v1/firms/${firmB}/items/${item.id}/unshare`, readerB)).status, 404);
    assert.equal((await api('get', `/api/v1/firms/${firmB}/dossiers/${item.dossier_id}/items`, readerB)).status, 404);
    assert.equal((await api('get', `/api/v1/firms/${firmB}/dossiers/pas-un-id/items`, readerB)).status, 404);
    const [row] = await app.dataSource.query<Array<{ shared: boolean }>>(
      `SELECT shared_at IS NOT NULL AS shared FROM shared_item WHERE id = $1`,
      [item.id],
    );
    assert.equal(row.shared, true);
    assert.equal((await app.app.get(FirmsService).clients(firmB)).length, 0);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await request(app.url).get('/api/docs/openapi.json');
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/api/v1/firms/{firm}/clients']);
    assert.ok(doc.body.paths['/api/v1/firms/{firm}/items/{item}/share']);
  });
});
