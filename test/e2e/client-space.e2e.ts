import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FirmsService } from '../../src/modules/client-space';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { acceptInvitation, FORGED, makeFirm, PASSWORD, PDF, signInTo } from '../support/client-space';
import type { HttpBrowser } from '../support/http-browser';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const LUCE = 'luce.alexander@example.fr';
const PAUL = 'paul.martin@example.fr';

describe('Client space (« Mon espace client »), both sides', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let firmA: string;
  let firmB: string;
  let staffA: HttpBrowser;
  let staffB: HttpBrowser;
  let luce: HttpBrowser;
  let paul: HttpBrowser;
  let dossierLuce: string;
  let dossierPaul: string;
  const ids: Record<string, string> = {};

  const itemId = async (title: string) =>
    (await app.dataSource.query<Array<{ id: string }>>(`SELECT id FROM shared_item WHERE title = $1`, [title]))[0].id;

  const addItem = async (dossier: string, fields: Record<string, string>, file?: Buffer, name = 'lettre.pdf') => {
    const page = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossier}`);
    return staffA.submit(
      page,
      /\/elements$/,
      { date: '2024-01-08', ...fields },
      app.url,
      file ? { file: { name, type: 'application/pdf', data: file } } : undefined,
    );
  };

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    const a = await makeFirm(app, 'Cabinet Delmas', 'fabien.delmas');
    const b = await makeFirm(app, 'Cabinet Autre', 'autre.avocat');
    firmA = a.firm.id;
    firmB = b.firm.id;
    staffA = await signInTo(app, '/espace-cabinet', a.email);
    staffB = await signInTo(app, '/espace-cabinet', b.email);
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  it('invites clients (an invitation e-mail, no password e-mailed) and opens their dossiers', async () => {
    const home = await staffA.get(`${app.url}/espace-cabinet`, app.url);
    assert.equal(home.url, `${app.url}/espace-cabinet/cabinets/${firmA}`, 'one firm: straight to it');
    const form = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/clients/nouveau`);
    const wrong = await staffA.submit(form, /clients\/nouveau$/, {
      kind: 'personne',
      familyName: 'ALEXANDER',
      email: 'x',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /Saisissez le prénom/);
    assert.match(wrong.body, /Saisissez une adresse électronique valide/);
    assert.match(wrong.body, /value="ALEXANDER"/);
    const done = await staffA.submit(form, /clients\/nouveau$/, {
      kind: 'personne',
      familyName: 'ALEXANDER',
      givenName: 'Luce',
      email: LUCE,
      address: 'Impasse Adam 1er',
      postalCode: '34470',
      city: 'PEROLS',
      phone: '04 67 15 98 42',
      mobile: '06 15 25 65 25',
    });
    assert.equal(done.status, 200, done.body.slice(0, 1000));
    assert.match(done.body, /Invitation envoyée à luce\.alexander@example\.fr/);
    const again = await staffA.submit(form, /clients\/nouveau$/, {
      kind: 'personne',
      familyName: 'A',
      givenName: 'L',
      email: LUCE,
    });
    assert.equal(again.status, 400);
    assert.match(again.body, /déjà cliente du cabinet/);
    await staffA.submit(form, /clients\/nouveau$/, {
      kind: 'personne',
      familyName: 'MARTIN',
      givenName: 'Paul',
      email: PAUL,
    });

    const mails = await app.dataSource.query<Array<{ template: string; data: object }>>(
      `SELECT template, data FROM outbox_message WHERE recipient = $1 ORDER BY created_at`,
      [LUCE],
    );
    assert.deepEqual(mails.map((m) => m.template).sort(), ['account-invitation', 'client-space-digest']);
    assert.doesNotMatch(JSON.stringify(mails), /password|mot de passe :/i);

    const clients = await app.app.get(FirmsService).clients(firmA);
    ids.luce = clients.find((c) => c.contact.email === LUCE)!.id;
    ids.paul = clients.find((c) => c.contact.email === PAUL)!.id;
    const [interlocutor] = await app.app.get(FirmsService).staffOf(firmA);
    const dossierForm = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/nouveau`);
    const created = await staffA.submit(dossierForm, /dossiers\/nouveau$/, {
      number: '2017IIDOS/1529',
      label: 'ALEXAN',
      interlocutorId: interlocutor.id,
      clientIds: [ids.luce],
    });
    assert.equal(created.status, 200);
    dossierLuce = created.url.split('/').pop()!;
    assert.match(created.body, /Dossier 2017IIDOS\/1529 - ALEXAN/);
    const duplicate = await staffA.submit(dossierForm, /dossiers\/nouveau$/, {
      number: '2017IIDOS/1529',
      label: 'X',
      interlocutorId: interlocutor.id,
      clientIds: [ids.luce],
    });
    assert.equal(duplicate.status, 400);
    assert.match(duplicate.body, /Un dossier du cabinet porte déjà ce numéro/);
    const other = await staffA.submit(dossierForm, /dossiers\/nouveau$/, {
      number: '2020DOS/7',
      label: 'MARTIN',
      interlocutorId: interlocutor.id,
      clientIds: [ids.paul],
    });
    dossierPaul = other.url.split('/').pop()!;
  });

  it('shares items explicitly: nothing is visible until shared; a forged type is refused', async () => {
    assert.equal(
      (await addItem(dossierLuce, { kind: 'document', title: 'Lettre au client', share: 'oui' }, PDF)).status,
      200,
    );
    await addItem(dossierLuce, { kind: 'document', title: 'Note interne' }, PDF);
    const invoice = await addItem(
      dossierLuce,
      { kind: 'facture', title: 'Facture avec détail', invoiceNumber: 'F-2024-001', amount: '1 250,50', share: 'oui' },
      PDF,
      'facture.pdf',
    );
    assert.equal(invoice.status, 200);
    await addItem(dossierLuce, {
      kind: 'rdv',
      title: 'Demande de RDV',
      place: 'Au cabinet',
      time: '14:30',
      share: 'oui',
    });
    await addItem(dossierPaul, { kind: 'document', title: 'Document de Paul', share: 'oui' }, PDF);
    const forged = await addItem(dossierLuce, { kind: 'document', title: 'Faux' }, FORGED, 'faux.pdf');
    assert.equal(forged.status, 400);
    assert.match(forged.body, /n’est pas un document accepté/);
    assert.equal((await app.dataSource.query(`SELECT 1 FROM shared_item WHERE title = 'Faux'`)).length, 0);
    const page = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(page.body, /Partager « Note interne »/);
    assert.match(page.body, /Ne plus partager « Lettre au client »/);
  });

  it('sends one digest e-mail with the link, the types and numbers, the dossiers', async () => {
    await app.dataSource.query(
      `UPDATE outbox_message SET next_attempt_at = now() WHERE template = 'client-space-digest'`,
    );
    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor((m) => sentTo(LUCE)(m) && /espace client/.test(m.subject ?? ''));
    assert.equal(mail.subject, '3 nouveaux éléments sur votre espace client');
    const text = mail.text ?? '';
    assert.match(text, /Cabinet Delmas vous a ouvert un espace client/);
    assert.match(text, /- 1 document\n- 1 facture\n- 1 rendez-vous/);
    assert.match(text, /2017IIDOS\/1529 - ALEXAN \(Cabinet Delmas\)/);
    assert.match(text, new RegExp(`${app.url}/espace-client`));
    assert.doesNotMatch(text, /Note interne|Mot de passe :/);
    assert.equal(smtp.messages.filter((m) => sentTo(LUCE)(m) && /espace client/.test(m.subject ?? '')).length, 1);
  });

  it('the client activates, signs in and sees the counts of shared items (empty categories hidden)', async () => {
    await acceptInvitation(app, LUCE);
    await acceptInvitation(app, PAUL);
    luce = await signInTo(app, '/espace-client', LUCE);
    paul = await signInTo(app, '/espace-client', PAUL);
    const home = await luce.get(`${app.url}/espace-client`, app.url);
    assert.equal(home.url, `${app.url}/espace-client/cabinets/${firmA}`);
    assert.match(home.body, /Accéder à :/);
    assert.match(home.body, /DOCUMENTS \(1\)/);
    assert.match(home.body, /DOSSIERS \(1\)/);
    assert.match(home.body, /RDV \(1\)/);
    assert.match(home.body, /FACTURES \(1\)/);
    assert.doesNotMatch(home.body, /TÂCHES|TEMPS PASSÉS|FRAIS \(/, 'a category with nothing shared is hidden');
    assert.match(home.body, /Cabinet Delmas/);
    assert.match(home.body, /ALEXANDER Luce/);
    const documents = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/documents`);
    assert.match(documents.body, /Nom du document/);
    assert.match(documents.body, /08\/01\/2024/);
    assert.match(documents.body, /Lettre au client/);
    assert.doesNotMatch(documents.body, /Note interne/);
    const dossier = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(dossier.body, /Documents reçus/);
    assert.match(dossier.body, /Demande de RDV/);
    assert.match(dossier.body, /DELMAS Fabien/);
    const invoices = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/factures`);
    assert.match(invoices.body, /F-2024-001/);
    assert.match(invoices.body, /1\s250,50\s€/);
    assert.match(invoices.body, /À payer/);
  });

  it('serves a download only to the client it is shared with; nothing unshared, nothing of another client or firm', async () => {
    const shared = await itemId('Lettre au client');
    const ok = await luce.download(`${app.url}/espace-client/cabinets/${firmA}/fichiers/${shared}`);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-disposition') ?? '', /attachment/);
    assert.deepEqual(Buffer.from(await ok.arrayBuffer()), PDF);
    for (const [who, url, status] of [
      [luce, `/espace-client/cabinets/${firmA}/fichiers/${await itemId('Note interne')}`, 404],
      [luce, `/espace-client/cabinets/${firmA}/fichiers/${await itemId('Document de Paul')}`, 404],
      [luce, `/espace-client/cabinets/${firmA}/dossiers/${dossierPaul}`, 404],
      [luce, `/espace-client/cabinets/${firmA}/fichiers/pas-un-id`, 404],
      [luce, `/espace-client/cabinets/${firmB}`, 403],
      [luce, `/espace-client/cabinets/${firmB}/fichiers/${shared}`, 403],
      [paul, `/espace-client/cabinets/${firmA}/fichiers/${shared}`, 404],
      [paul, `/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}`, 404],
    ] as const) {
      const res = await who.download(`${app.url}${url}`);
      assert.equal(res.status, status, url);
    }
    // Unshared: gone at once from the client's side.
    const page = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    await staffA.submit(page, new RegExp(`${shared}/retirer$`), {});
    assert.equal((await luce.download(`${app.url}/espace-client/cabinets/${firmA}/fichiers/${shared}`)).status, 404);
    const again = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    await staffA.submit(again, new RegExp(`${shared}/partager$`), {});
    assert.equal((await luce.download(`${app.url}/espace-client/cabinets/${firmA}/fichiers/${shared}`)).status, 200);
  });

  it('keeps staff of firm A out of firm B, and a read-only member out of every change', async () => {
    for (const url of [
      `/espace-cabinet/cabinets/${firmB}`,
      `/espace-cabinet/cabinets/${firmB}/clients/nouveau`,
      `/espace-cabinet/cabinets/${firmB}/dossiers/${dossierLuce}`,
      `/espace-cabinet/cabinets/${firmB}/elements/${await itemId('Note interne')}/fichier`,
    ])
      assert.equal((await staffB.download(`${app.url}${url.replace(firmB, firmA)}`)).status, 403, url);
    // Firm B's own path with firm A's ids: introuvable.
    assert.equal(
      (await staffB.download(`${app.url}/espace-cabinet/cabinets/${firmB}/dossiers/${dossierLuce}`)).status,
      404,
    );
    assert.equal(
      (
        await staffB.download(
          `${app.url}/espace-cabinet/cabinets/${firmB}/elements/${await itemId('Note interne')}/fichier`,
        )
      ).status,
      404,
    );
    const page = await staffB.get(`${app.url}/espace-cabinet/cabinets/${firmB}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const forged = await staffB.post(
      `${app.url}/espace-cabinet/cabinets/${firmB}/elements/${await itemId('Note interne')}/partager`,
      { _csrf: csrf },
    );
    assert.equal(forged.status, 404);
    assert.equal(
      (await app.dataSource.query(`SELECT shared_at FROM shared_item WHERE title = 'Note interne'`))[0].shared_at,
      null,
    );

    const firms = app.app.get(FirmsService);
    await app.app.get(IdentityService).createActiveAccount({
      email: 'lecteur@example.fr',
      identifier: 'lecteur',
      password: PASSWORD,
    });
    await firms.addStaff(firmA, 'lecteur@example.fr', 'lecture');
    const reader = await signInTo(app, '/espace-cabinet', 'lecteur@example.fr');
    const dossier = await reader.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.equal(dossier.status, 200);
    assert.doesNotMatch(dossier.body, /Partager « Note interne »/);
    const token = /name="_csrf" value="([^"]+)"/.exec(dossier.body)![1];
    const refused = await reader.post(
      `${app.url}/espace-cabinet/cabinets/${firmA}/elements/${await itemId('Note interne')}/partager`,
      { _csrf: token },
    );
    assert.equal(refused.status, 403);
  });

  it('takes the client’s uploads (several files), refusing a forged type and keeping nothing of it', async () => {
    const home = await luce.get(`${app.url}/espace-client/cabinets/${firmA}`);
    const refused = await luce.submit(home, /\/depot$/, { dossier: dossierLuce }, app.url, {
      files: { name: 'releve.pdf', type: 'application/pdf', data: FORGED },
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /« releve\.pdf » n’est pas un document accepté/);
    const before = await app.dataSource.query(`SELECT count(*)::int AS n FROM shared_item WHERE direction = 'depose'`);
    assert.equal(before[0].n, 0);
    const done = await luce.submit(home, /\/depot$/, { dossier: dossierLuce }, app.url, {
      files: { name: 'Pièce d’identité.pdf', type: 'application/pdf', data: PDF },
    });
    assert.equal(done.status, 200);
    assert.match(done.body, /Votre document a été déposé/);
    // Into another client's dossier: refused.
    const elsewhere = await luce.submit(home, /\/depot$/, { dossier: dossierPaul }, app.url, {
      files: { name: 'x.pdf', type: 'application/pdf', data: PDF },
    });
    assert.equal(elsewhere.status, 400);
    const dossier = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(dossier.body, /Documents déposés/);
    assert.match(dossier.body, /Pièce d’identité/);
    const firmSide = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(firmSide.body, /Déposé par le client/);
  });

  it('keeps what a client uploads to a dossier shared with another client from that other client', async () => {
    const [interlocutor] = await app.app.get(FirmsService).staffOf(firmA);
    const dossierForm = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/nouveau`);
    const both = await staffA.submit(dossierForm, /dossiers\/nouveau$/, {
      number: '2021DOS/12',
      label: 'INDIVISION',
      interlocutorId: interlocutor.id,
      clientIds: [ids.luce, ids.paul],
    });
    assert.equal(both.status, 200);
    const shared = both.url.split('/').pop()!;
    const home = await luce.get(`${app.url}/espace-client/cabinets/${firmA}`);
    const done = await luce.submit(home, /\/depot$/, { dossier: shared }, app.url, {
      files: { name: 'Avis d’imposition de Luce.pdf', type: 'application/pdf', data: PDF },
    });
    assert.equal(done.status, 200);
    const [{ id }] = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM shared_item WHERE dossier_id = $1 AND direction = 'depose'`,
      [shared],
    );
    const paulsView = await paul.get(`${app.url}/espace-client/cabinets/${firmA}/dossiers/${shared}`);
    assert.equal(paulsView.status, 200);
    assert.doesNotMatch(paulsView.body, /Avis d’imposition de Luce/);
    assert.equal((await paul.download(`${app.url}/espace-client/cabinets/${firmA}/fichiers/${id}`)).status, 404);
    assert.equal((await luce.download(`${app.url}/espace-client/cabinets/${firmA}/fichiers/${id}`)).status, 200);
  });

  it('applies a contact change only when the firm accepts it, and tells the client', async () => {
    const form = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/coordonnees`);
    assert.match(form.body, /value="Impasse Adam 1er"/);
    const fields = {
      familyName: 'ALEXANDER',
      givenName: 'Luce',
      email: LUCE,
      address: '3 rue des Lilas',
      postalCode: '34000',
      city: 'MONTPELLIER',
      phone: '04 67 15 98 42',
      mobile: '06 15 25 65 25',
    };
    const wrong = await luce.submit(form, /coordonnees$/, { ...fields, postalCode: '34', mobile: '' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /Le code postal compte 5 chiffres/);
    assert.match(wrong.body, /value="3 rue des Lilas"/);
    const sent = await luce.submit(form, /coordonnees$/, fields);
    assert.match(sent.body, /Votre demande a été envoyée/);
    const client = async () => (await app.app.get(FirmsService).client(firmA, ids.luce)).contact;
    assert.equal((await client()).city, 'PEROLS', 'unchanged until accepted');

    const home = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}`);
    assert.match(home.body, /MONTPELLIER/);
    const accepted = await staffA.submit(home, /accepter$/, {});
    assert.match(accepted.body, /La demande est acceptée/);
    assert.equal((await client()).city, 'MONTPELLIER');
    const told = await app.dataSource.query<Array<{ data: string }>>(
      `SELECT data::text FROM outbox_message WHERE recipient = $1 AND template = 'activity-digest'`,
      [LUCE],
    );
    assert.match(told.map((t) => t.data).join(), /a accepté la mise à jour de vos coordonnées/);
  });

  it('carries a message to the interlocutor, who reads it in the dossier and answers', async () => {
    const form = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}/contact`);
    assert.match(form.body, /Contacter l’interlocuteur : <strong>DELMAS Fabien<\/strong>/);
    assert.match(form.body, /2017IIDOS\/1529 - ALEXAN/);
    const empty = await luce.submit(form, /contact$/, { subject: '', body: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.body, /Saisissez l’objet du message/);
    const sent = await luce.submit(form, /contact$/, {
      subject: 'Demande de RDV',
      body: 'Bonjour,\nPouvons-nous nous voir ?',
    });
    assert.match(sent.body, /Votre message a été envoyé/);
    const notice = await app.dataSource.query<Array<{ data: string }>>(
      `SELECT data::text FROM outbox_message WHERE recipient = 'fabien.delmas@example.fr'`,
    );
    assert.match(notice.map((n) => n.data).join(), /vous a écrit dans le dossier 2017IIDOS\/1529/);
    const unread = async () =>
      Number(
        (
          await app.dataSource.query<Array<{ n: string }>>(
            `SELECT count(*) AS n FROM dossier_message WHERE dossier_id = $1 AND author = 'client' AND read_at IS NULL`,
            [dossierLuce],
          )
        )[0].n,
      );
    assert.equal(await unread(), 1);
    // A read-only (« lecture ») member reads the thread: it stays unread for the others.
    const reader = await signInTo(app, '/espace-cabinet', 'lecteur@example.fr');
    const read = await reader.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(read.body, /Pouvons-nous nous voir \?/);
    assert.equal(await unread(), 1);
    const dossier = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(dossier.body, /Pouvons-nous nous voir \?/);
    assert.equal(await unread(), 0, 'an associate’s visit marks it read');
    const reply = await staffA.submit(dossier, /messages$/, {
      client: ids.luce,
      subject: 'Re: Demande de RDV',
      body: 'Mardi 10 h.',
    });
    assert.equal(reply.status, 200);
    const own = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(own.body, /Mardi 10 h\./);
    // Paul never sees Luce's thread, nor can he write in her dossier.
    assert.equal(
      (await paul.download(`${app.url}/espace-client/cabinets/${firmA}/dossiers/${dossierLuce}/contact`)).status,
      404,
    );
  });
});
