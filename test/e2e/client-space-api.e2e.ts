import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { FirmsService, RequestsService } from '../../src/modules/client-space';
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
    // Problem details stay French whatever the caller's language (docs/i18n.md).
    const english = await api('post', `/api/v1/firms/${firmA}/clients`, writerA)
      .set('Accept-Language', 'en')
      .send({ kind: 'personne', email: 'x' });
    assert.equal(english.status, 400);
    assert.equal(english.body.detail, 'Le formulaire contient des erreurs.');
    assert.match(JSON.stringify(english.body), /Saisissez une adresse électronique valide/);

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

  it('reads the messages and contact-change requests, answers a client and decides; firm B reaches none of it', async () => {
    const firms = app.app.get(FirmsService);
    const requests = app.app.get(RequestsService);
    const [client] = await firms.clients(firmA);
    const [dossier] = await firms.dossiersOfClient(client);
    await requests.writeToInterlocutor(client, dossier, { subject: 'Demande de RDV', body: 'Mardi ?' });
    const contact = { ...client.contact, city: 'MONTPELLIER', postalCode: '34000' };
    contact.phone ||= '04 67 15 98 42';
    contact.mobile ||= '06 15 25 65 25';
    contact.address ||= 'Impasse Adam 1er';
    await requests.requestContactChange(client, contact);
    await requests.requestContactChange(client, { ...contact, city: 'NÎMES', postalCode: '30000' });

    const messages = await api('get', `/api/v1/firms/${firmA}/messages`, readerA);
    assert.equal(messages.status, 200);
    assert.equal(messages.body.data.at(-1).subject, 'Demande de RDV');
    const pending = await api('get', `/api/v1/firms/${firmA}/contact-change-requests`, readerA);
    assert.equal(pending.body.data.length, 2);
    // Listed by id (the cursor's order), not by date: find each by what it asks.
    const listed = pending.body.data as Array<{ id: string; requested: { city: string } }>;
    const first = listed.find((r) => r.requested.city === 'MONTPELLIER')!;
    const second = listed.find((r) => r.requested.city === 'NÎMES')!;

    // Firm B's token: its own path with firm A's ids, and firm A's path: 404, nothing changes.
    for (const path of [
      `/api/v1/firms/${firmB}/contact-change-requests/${first.id}/accept`,
      `/api/v1/firms/${firmA}/contact-change-requests/${first.id}/accept`,
      `/api/v1/firms/${firmB}/contact-change-requests/pas-un-id/reject`,
    ])
      assert.equal((await api('post', path, readerB)).status, 404, path);
    const elsewhere = await api('post', `/api/v1/firms/${firmB}/dossiers/${dossier.id}/messages`, readerB).send({
      client_id: client.id,
      subject: 'Intrus',
      body: 'x',
    });
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.type, 'application/problem+json');
    // A read-only token cannot decide.
    assert.equal(
      (await api('post', `/api/v1/firms/${firmA}/contact-change-requests/${first.id}/accept`, readerA)).status,
      403,
    );
    assert.equal((await firms.client(firmA, client.id)).contact.city, client.contact.city);

    const accepted = await api('post', `/api/v1/firms/${firmA}/contact-change-requests/${first.id}/accept`, writerA);
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.status, 'acceptee');
    assert.equal((await firms.client(firmA, client.id)).contact.city, 'MONTPELLIER');
    const rejected = await api('post', `/api/v1/firms/${firmA}/contact-change-requests/${second.id}/reject`, writerA);
    assert.equal(rejected.body.status, 'refusee');
    assert.equal((await firms.client(firmA, client.id)).contact.city, 'MONTPELLIER');
    // Decided once: again is « introuvable » (problem details).
    const twice = await api('post', `/api/v1/firms/${firmA}/contact-change-requests/${first.id}/reject`, writerA);
    assert.equal(twice.status, 404);
    assert.equal(twice.type, 'application/problem+json');

    const empty = await api('post', `/api/v1/firms/${firmA}/dossiers/${dossier.id}/messages`, writerA).send({
      client_id: client.id,
    });
    assert.equal(empty.status, 400);
    const reply = await api('post', `/api/v1/firms/${firmA}/dossiers/${dossier.id}/messages`, writerA).send({
      client_id: client.id,
      subject: 'Re: Demande de RDV',
      body: 'Mardi 10 h.',
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.author, 'cabinet');
    assert.equal(reply.body.author_name, 'Cabinet Delmas');
    const thread = await requests.thread(dossier, client);
    assert.equal(thread.at(-1)?.body, 'Mardi 10 h.');
    const audit = await app.dataSource.query<Array<{ action: string; actor_type: string; actor_id: string }>>(
      `SELECT action, actor_type, actor_id FROM audit_event WHERE action IN
         ('client-space.contact-change.accepted', 'client-space.contact-change.rejected', 'client-space.message.sent')
       ORDER BY id`,
    );
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor_type, a.actor_id]),
      [
        ['client-space.contact-change.accepted', 'client', 'logiciel-a'],
        ['client-space.contact-change.rejected', 'client', 'logiciel-a'],
        ['client-space.message.sent', 'client', 'logiciel-a'],
      ],
    );
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
    assert.ok(doc.body.paths['/api/v1/firms/{firm}/dossiers/{dossier}/messages'].post);
    assert.ok(doc.body.paths['/api/v1/firms/{firm}/contact-change-requests/{request}/accept'].post);
    assert.ok(doc.body.paths['/api/v1/firms/{firm}/contact-change-requests/{request}/reject'].post);
  });
});
