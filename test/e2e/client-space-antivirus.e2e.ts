import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FirmsService } from '../../src/modules/client-space';
import { EICAR, startClamdStandIn, type ClampdStandIn } from '../support/clamd';
import { acceptInvitation, makeFirm, PDF, signInTo } from '../support/client-space';
import type { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const LUCE = 'luce.antivirus@example.fr';
/** A real PDF carrying the EICAR test string: its type is accepted, the antivirus refuses it. */
const INFECTED = Buffer.concat([PDF, Buffer.from(`\n% ${EICAR}\n`)]);

describe('Client space: uploads scanned by clamd (CLAMAV_HOST / CLAMAV_PORT)', () => {
  let app: TestApp;
  let clamd: ClampdStandIn;
  let firm: string;
  let dossier: string;
  let luce: HttpBrowser;
  let staff: HttpBrowser;

  const stored = () => {
    const dir = join(app.config.dataDir, 'files', 'client-space', 'documents');
    return existsSync(dir) ? readdirSync(dir).length : 0;
  };
  const items = async () =>
    (await app.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM shared_item`))[0].n;
  const deposit = async (files: Array<{ name: string; data: Buffer }>) => {
    const home = await luce.get(`${app.url}/espace-client/cabinets/${firm}`);
    // Several files under one name, as the file picker sends them.
    const form = new FormData();
    form.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(home.body)![1]);
    form.append('dossier', dossier);
    for (const file of files)
      form.append('files', new Blob([new Uint8Array(file.data)], { type: 'application/pdf' }), file.name);
    const response = await fetch(`${app.url}/espace-client/cabinets/${firm}/depot`, {
      method: 'POST',
      body: form,
      headers: { cookie: luce.cookieHeaderFor(app.url), accept: 'application/json' },
    });
    return { status: response.status, body: (await response.json()) as { message: string } };
  };

  before(async () => {
    clamd = await startClamdStandIn();
    app = await startTestApp({ env: { CLAMAV_HOST: '127.0.0.1', CLAMAV_PORT: String(clamd.port) } });
    const firms = app.app.get(FirmsService);
    const made = await makeFirm(app, 'Cabinet Delmas', 'fabien.antivirus');
    firm = made.firm.id;
    const client = await firms.inviteClient(firm, {
      kind: 'personne',
      contact: { email: LUCE, familyName: 'ALEXANDER', givenName: 'Luce' },
    });
    await acceptInvitation(app, LUCE);
    dossier = (
      await firms.createDossier(firm, {
        number: '2017IIDOS/1529',
        label: 'ALEXAN',
        interlocutorId: made.staff.id,
        clientIds: [client.id],
      })
    ).id;
    luce = await signInTo(app, `/espace-client/cabinets/${firm}`, LUCE);
    staff = await signInTo(app, '/espace-cabinet', made.email);
  });
  after(async () => {
    await app?.close();
    await clamd?.close();
  });

  it('scans each file before storing it, and keeps the clean ones', async () => {
    const done = await deposit([
      { name: 'Pièce.pdf', data: PDF },
      { name: 'Relevé.pdf', data: PDF },
    ]);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(clamd.scans.length, 2);
    assert.deepEqual(clamd.scans[0], PDF, 'clamd received the file’s exact bytes');
    assert.equal(stored(), 2);
  });

  it('refuses a deposit holding an infected file, in French, keeping none of its files', async () => {
    const [filesBefore, itemsBefore] = [stored(), await items()];
    const refused = await deposit([
      { name: 'Propre.pdf', data: PDF },
      { name: 'Facture piégée.pdf', data: INFECTED },
    ]);
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /« Facture piégée\.pdf » contient un virus \(Eicar-Test-Signature\)/);
    assert.match(refused.body.message, /rien n’a été enregistré/);
    assert.equal(stored(), filesBefore);
    assert.equal(await items(), itemsBefore);

    // Without JavaScript: the page again, with the message.
    const home = await luce.get(`${app.url}/espace-client/cabinets/${firm}`);
    const page = await luce.submit(home, /\/depot$/, { dossier }, app.url, {
      files: { name: 'Facture piégée.pdf', type: 'application/pdf', data: INFECTED },
    });
    assert.equal(page.status, 400);
    assert.match(page.body, /contient un virus/);

    // The firm's own items are scanned the same way.
    const firmPage = await staff.get(`${app.url}/espace-cabinet/cabinets/${firm}/dossiers/${dossier}`);
    const item = await staff.submit(
      firmPage,
      /\/elements$/,
      { kind: 'document', title: 'Lettre', date: '2024-01-08' },
      app.url,
      { file: { name: 'lettre.pdf', type: 'application/pdf', data: INFECTED } },
    );
    assert.equal(item.status, 400);
    assert.match(item.body, /« lettre\.pdf » contient un virus/);
    assert.equal(stored(), filesBefore);
    assert.equal(await items(), itemsBefore);
  });

  it('refuses every upload while clamd does not answer (fail closed), keeping nothing', async () => {
    await clamd.close();
    const [filesBefore, itemsBefore] = [stored(), await items()];
    const refused = await deposit([{ name: 'Pièce.pdf', data: PDF }]);
    assert.equal(refused.status, 503);
    assert.match(refused.body.message, /analyse antivirus des fichiers est momentanément indisponible/);
    const home = await luce.get(`${app.url}/espace-client/cabinets/${firm}`);
    const page = await luce.submit(home, /\/depot$/, { dossier }, app.url, {
      files: { name: 'Pièce.pdf', type: 'application/pdf', data: PDF },
    });
    assert.equal(page.status, 503);
    assert.match(page.body, /momentanément indisponible/);
    assert.equal(stored(), filesBefore);
    assert.equal(await items(), itemsBefore);
  });
});
