import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FirmsService } from '../../src/modules/client-space';
import { acceptInvitation, FORGED, makeFirm, PDF, signInTo } from '../support/client-space';
import type { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const LUCE = 'luce.pieces@example.fr';
const PAUL = 'paul.pieces@example.fr';
/** A PNG signature and header: file-type reads it as image/png. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);

describe('Client space: attachments of the messages to the interlocutor', () => {
  let app: TestApp;
  let firmA: string;
  let firmB: string;
  let dossierLuce: string;
  let staffA: HttpBrowser;
  let staffB: HttpBrowser;
  let luce: HttpBrowser;
  let paul: HttpBrowser;

  const stored = () => {
    const dir = join(app.config.dataDir, 'files', 'client-space', 'documents');
    return existsSync(dir) ? readdirSync(dir).length : 0;
  };
  const messages = async () =>
    app.dataSource.query<Array<{ id: string; author: string; subject: string }>>(
      `SELECT id, author, subject FROM dossier_message ORDER BY created_at`,
    );

  before(async () => {
    app = await startTestApp();
    const firms = app.app.get(FirmsService);
    const a = await makeFirm(app, 'Cabinet Delmas', 'fabien.pieces');
    const b = await makeFirm(app, 'Cabinet Autre', 'autre.pieces');
    firmA = a.firm.id;
    firmB = b.firm.id;
    const invite = (email: string, familyName: string) =>
      firms.inviteClient(firmA, { kind: 'personne', contact: { email, familyName, givenName: 'Test' } });
    const luceRecord = await invite(LUCE, 'ALEXANDER');
    const paulRecord = await invite(PAUL, 'MARTIN');
    await acceptInvitation(app, LUCE);
    await acceptInvitation(app, PAUL);
    const open = (number: string, client: string) =>
      firms.createDossier(firmA, { number, label: 'X', interlocutorId: a.staff.id, clientIds: [client] });
    dossierLuce = (await open('2017IIDOS/1529', luceRecord.id)).id;
    await open('2018/0002', paulRecord.id);
    staffA = await signInTo(app, '/espace-cabinet', a.email);
    staffB = await signInTo(app, '/espace-cabinet', b.email);
    luce = await signInTo(app, `/espace-client/cabinets/${firmA}`, LUCE);
    paul = await signInTo(app, `/espace-client/cabinets/${firmA}`, PAUL);
  });
  after(async () => {
    await app?.close();
  });

  it('carries the client’s files with « Contacter l’interlocuteur », checked like the uploads', async () => {
    const formUrl = `${app.url}/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}/contact`;
    const form = await luce.get(formUrl);
    assert.match(form.body, /enctype="multipart\/form-data"/);
    assert.match(form.body, /Pièces jointes \(facultatif\)/);
    const [filesBefore, messagesBefore] = [stored(), (await messages()).length];
    const forged = await luce.submit(form, /contact$/, { subject: 'Pièces', body: 'Voici.' }, app.url, {
      attachments: { name: 'releve.pdf', type: 'application/pdf', data: FORGED },
    });
    assert.equal(forged.status, 400);
    assert.match(forged.body, /« releve\.pdf » n’est pas un document accepté/);
    assert.match(forged.body, /value="Pièces"/, 'the input is kept');
    assert.equal(stored(), filesBefore);
    assert.equal((await messages()).length, messagesBefore);

    // Two files at once, as the file picker sends them.
    const multipart = new FormData();
    multipart.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(form.body)![1]);
    multipart.append('subject', 'Demande de RDV');
    multipart.append('body', 'Bonjour, voici mes pièces.');
    multipart.append(
      'attachments',
      new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }),
      'Pièce d’identité.pdf',
    );
    multipart.append('attachments', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'photo.png');
    const sent = await fetch(formUrl, {
      method: 'POST',
      body: multipart,
      headers: { cookie: luce.cookieHeaderFor(app.url), accept: 'text/html' },
      redirect: 'manual',
    });
    assert.equal(sent.status, 303);
    assert.equal(stored(), filesBefore + 2);
    const own = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}`);
    const [message] = (await messages()).slice(-1);
    assert.match(
      own.body,
      new RegExp(
        `href="/espace-client/cabinets/${firmA}/messages/${message.id}/pieces/0" download>Pièce d’identité\\.pdf \\(1 Ko\\)`,
      ),
    );
    assert.match(own.body, /photo\.png/);
    const mine = await luce.download(`${app.url}/espace-client/cabinets/${firmA}/messages/${message.id}/pieces/0`);
    assert.equal(mine.status, 200);
    assert.deepEqual(Buffer.from(await mine.arrayBuffer()), PDF);

    // The firm sees them in the dossier and downloads them.
    const dossier = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(dossier.body, new RegExp(`/espace-cabinet/cabinets/${firmA}/messages/${message.id}/pieces/1`));
    const png = await staffA.download(`${app.url}/espace-cabinet/cabinets/${firmA}/messages/${message.id}/pieces/1`);
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.match(png.headers.get('content-disposition') ?? '', /^attachment; filename="photo\.png"/);
    assert.equal(png.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await png.arrayBuffer()), PNG);
  });

  it('carries the firm’s files in its answer, which the client downloads', async () => {
    const dossier = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    const client = /<option value="([^"]+)"[^>]*>ALEXANDER/.exec(dossier.body)![1];
    const forged = await staffA.submit(dossier, /messages$/, { client, subject: 'Re', body: 'Voici.' }, app.url, {
      attachments: { name: 'x.pdf', type: 'application/pdf', data: FORGED },
    });
    assert.equal(forged.status, 400);
    assert.match(forged.body, /« x\.pdf » n’est pas un document accepté/);
    const reply = await staffA.submit(
      dossier,
      /messages$/,
      { client, subject: 'Re: Demande de RDV', body: 'La convocation est jointe.' },
      app.url,
      { attachments: { name: 'Convocation.pdf', type: 'application/pdf', data: PDF } },
    );
    assert.equal(reply.status, 200);
    const [message] = (await messages()).slice(-1);
    assert.equal(message.author, 'cabinet');
    const page = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(page.body, /Convocation\.pdf/);
    const file = await luce.download(`${app.url}/espace-client/cabinets/${firmA}/messages/${message.id}/pieces/0`);
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PDF);
  });

  it('keeps the attachments to the thread’s participants: another client, another firm, a wrong index get nothing', async () => {
    const [first] = await messages();
    // Paul, client of the same firm, not of this thread.
    assert.equal(
      (await paul.download(`${app.url}/espace-client/cabinets/${firmA}/messages/${first.id}/pieces/0`)).status,
      404,
    );
    // Firm B's staff: firm A's path is refused, its own path with firm A's message is « introuvable ».
    assert.equal(
      (await staffB.download(`${app.url}/espace-cabinet/cabinets/${firmA}/messages/${first.id}/pieces/0`)).status,
      403,
    );
    assert.equal(
      (await staffB.download(`${app.url}/espace-cabinet/cabinets/${firmB}/messages/${first.id}/pieces/0`)).status,
      404,
    );
    // Luce, under a firm she is no client of.
    assert.ok(
      [403, 404].includes(
        (await luce.download(`${app.url}/espace-client/cabinets/${firmB}/messages/${first.id}/pieces/0`)).status,
      ),
    );
    for (const suffix of [
      `${first.id}/pieces/7`,
      `${first.id}/pieces/-1`,
      `${first.id}/pieces/x`,
      'pas-un-id/pieces/0',
    ])
      assert.equal(
        (await luce.download(`${app.url}/espace-client/cabinets/${firmA}/messages/${suffix}`)).status,
        404,
        suffix,
      );
  });
});
