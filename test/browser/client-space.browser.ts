import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { OutboxWorker } from '../../src/modules/notifications';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { FORGED, makeFirm, PASSWORD, PDF } from '../support/client-space';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const LUCE = 'luce.alexander@example.fr';

/**
 * Both sides of the client space in Chromium, with axe-core on each page: the firm invites a client, opens a dossier,
 * shares a document and an invoice; the client receives one digest e-mail, activates her account, sees the counts,
 * downloads, uploads with the file picker and by drag-and-drop (a forged type refused), asks for a change of contact
 * details the firm accepts, and writes to her interlocutor, who reads it.
 */
describe('Client space in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let firmContext: BrowserContext;
  let clientContext: BrowserContext;
  let firm: Page;
  let client: Page;
  let firmId: string;
  let base: string;
  const problems: string[] = [];

  const watch = (p: Page) => {
    p.setDefaultTimeout(10_000);
    p.on('console', (message) => {
      if (message.type() === 'error' && !/status of 400 /.test(message.text())) problems.push(message.text());
    });
    p.on('pageerror', (error) => problems.push(error.message));
  };
  const checked = async (p: Page, name: string) => {
    await screenshot(p, name);
    assert.deepEqual(await accessibilityViolations(p), [], `axe-core sur ${name}`);
  };
  const signIn = async (p: Page, path: string, login: string) => {
    await p.goto(`${app.url}${path}`);
    await p.waitForURL(/\/interaction\//);
    await p.getByLabel('Identifiant ou adresse électronique').fill(login);
    await p.getByRole('button', { name: 'Continuer' }).click();
    await p.locator('#password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.waitForURL(new RegExp(`${path}/`));
  };

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    const made = await makeFirm(app, 'Cabinet Delmas', 'fabien.delmas');
    firmId = made.firm.id;
    base = `${app.url}/espace-cabinet/cabinets/${firmId}`;
    browser = await launchBrowser();
    firmContext = await browser.newContext();
    clientContext = await browser.newContext({ acceptDownloads: true });
  });
  beforeEach(async () => {
    firm = await firmContext.newPage();
    client = await clientContext.newPage();
    watch(firm);
    watch(client);
  });
  afterEach(async () => {
    await firm?.close();
    await client?.close();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await smtp?.stop();
    assert.deepEqual(problems, []);
  });

  it('the firm invites a client, opens a dossier and shares a document and an invoice', async () => {
    await signIn(firm, '/espace-cabinet', 'fabien.delmas@example.fr');
    await checked(firm, 'cabinet-accueil');
    await firm.getByRole('link', { name: 'Inviter un client' }).first().click();
    await firm.locator('#familyName').fill('ALEXANDER');
    await firm.locator('#givenName').fill('Luce');
    await firm.locator('#email').fill(LUCE);
    await firm.locator('#city').fill('PEROLS');
    await checked(firm, 'cabinet-inviter-client');
    await firm.getByRole('button', { name: 'Inviter le client' }).click();
    await firm.waitForSelector(`text=Invitation envoyée à ${LUCE}`);

    await firm.getByRole('link', { name: 'Nouveau dossier' }).first().click();
    await firm.locator('#number').fill('2017IIDOS/1529');
    await firm.locator('#label').fill('ALEXAN');
    await firm.locator('label', { hasText: 'ALEXANDER Luce' }).click();
    await checked(firm, 'cabinet-nouveau-dossier');
    await firm.getByRole('button', { name: 'Créer le dossier' }).click();
    await firm.waitForSelector('h1:has-text("Dossier 2017IIDOS/1529 - ALEXAN")');

    const add = async (fields: Record<string, string>, file?: { name: string; data: Buffer }) => {
      await firm.locator('#kind').selectOption(fields.kind);
      await firm.locator('#title').fill(fields.title);
      await firm.locator('#date').fill(fields.date);
      if (fields.invoiceNumber) await firm.locator('#invoiceNumber').fill(fields.invoiceNumber);
      if (fields.amount) await firm.locator('#amount').fill(fields.amount);
      if (file)
        await firm.locator('#file').setInputFiles({ name: file.name, mimeType: 'application/pdf', buffer: file.data });
      await firm.getByRole('button', { name: 'Ajouter' }).click();
      await firm.waitForSelector('text=L’élément a été ajouté au dossier.');
    };
    await add({ kind: 'document', title: 'Lettre au client', date: '2024-01-08' }, { name: 'lettre.pdf', data: PDF });
    await add(
      {
        kind: 'facture',
        title: 'Facture avec détail',
        date: '2021-12-10',
        invoiceNumber: 'F-2021-118',
        amount: '1250,50',
      },
      { name: 'facture.pdf', data: PDF },
    );
    await firm.locator('label[for="share"]').click(); // unticked: kept for the firm only
    await add({ kind: 'document', title: 'Note interne', date: '2024-02-01' }, { name: 'note.pdf', data: PDF });
    await checked(firm, 'cabinet-dossier');
    await firm.getByRole('button', { name: 'Partager « Note interne »' }).waitFor();
    assert.equal(await firm.getByRole('button', { name: 'Ne plus partager « Lettre au client »' }).count(), 1);
  });

  it('the client receives one digest e-mail, activates her account and sees the counts', async () => {
    await app.dataSource.query(
      `UPDATE outbox_message SET next_attempt_at = now() WHERE template = 'client-space-digest'`,
    );
    await app.app.get(OutboxWorker).deliverDue();
    const digest = await smtp.waitFor((m) => sentTo(LUCE)(m) && /espace client/.test(m.subject ?? ''));
    assert.equal(digest.subject, '2 nouveaux éléments sur votre espace client');
    assert.match(digest.text ?? '', /- 1 document\n- 1 facture/);
    assert.match(digest.text ?? '', /2017IIDOS\/1529 - ALEXAN/);
    assert.equal(smtp.messages.filter((m) => sentTo(LUCE)(m) && /espace client/.test(m.subject ?? '')).length, 1);
    const invitation = await smtp.waitFor(
      (m) => sentTo(LUCE)(m) && /invitation|compte/i.test(m.subject ?? '') && /\/invitation\//.test(m.text ?? ''),
    );
    assert.doesNotMatch(invitation.text ?? '', /Mot de passe :/);

    await client.goto(/http:\/\/127\.0\.0\.1:\d+\/invitation\/[\w-]+/.exec(invitation.text ?? '')![0]);
    await client.locator('#password').fill(PASSWORD);
    await client.locator('#passwordConfirmation').fill(PASSWORD);
    await client.locator('label[for="acceptTerms"]').click();
    await client.locator('label[for="acceptPrivacy"]').click();
    await client.getByRole('button', { name: 'Enregistrer' }).click();
    await client.waitForSelector('text=Votre compte est activé');

    await signIn(client, '/espace-client', LUCE);
    await client.waitForSelector('text=Accéder à :');
    for (const label of ['DOCUMENTS (1)', 'DOSSIERS (1)', 'FACTURES (1)'])
      assert.equal(await client.getByRole('link', { name: label }).count(), 1, label);
    assert.equal(await client.getByRole('link', { name: /TÂCHES|RDV|FRAIS/ }).count(), 0, 'empty categories hidden');
    await checked(client, 'client-accueil');
  });

  it('the client downloads a shared document and her invoice, and uploads with the picker and by drag-and-drop', async () => {
    await client.goto(`${app.url}/espace-client`);
    await client.getByRole('link', { name: 'DOCUMENTS (1)' }).click();
    await checked(client, 'client-documents');
    const [download] = await Promise.all([
      client.waitForEvent('download'),
      client.getByRole('link', { name: 'Lettre au client' }).click(),
    ]);
    assert.deepEqual(readFileSync(await download.path()), PDF);
    await client.goto(`${app.url}/espace-client`);
    await client.getByRole('link', { name: 'FACTURES (1)' }).click();
    await client.waitForSelector('text=À payer');
    await checked(client, 'client-factures');

    await client.goto(`${app.url}/espace-client`);
    // A forged type, with the picker: refused, nothing kept.
    await client.locator('#files').setInputFiles({ name: 'releve.pdf', mimeType: 'application/pdf', buffer: FORGED });
    await client.getByRole('button', { name: 'Déposer' }).click();
    await client.waitForSelector('text=« releve.pdf » n’est pas un document accepté');
    // Two files with the picker.
    await client.locator('#files').setInputFiles([
      { name: 'piece-1.pdf', mimeType: 'application/pdf', buffer: PDF },
      { name: 'piece-2.pdf', mimeType: 'application/pdf', buffer: PDF },
    ]);
    await client.getByRole('button', { name: 'Déposer' }).click();
    await client.waitForSelector('text=Vos 2 documents ont été déposés');
    // By drag-and-drop, from the dossier's page.
    await client.getByRole('link', { name: 'DOSSIERS (1)' }).click();
    await client.getByRole('link', { name: '2017IIDOS/1529' }).click();
    // A drop as the browser makes it: a DataTransfer holding the file (built in the page, with the page's own types).
    const transfer = await client.evaluateHandle(
      `(() => { const data = new DataTransfer();
        const bytes = Uint8Array.from(atob('${PDF.toString('base64')}'), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], 'glisse.pdf', { type: 'application/pdf' })); return data; })()`,
    );
    await client.locator('[data-dropzone]').dispatchEvent('dragenter', { dataTransfer: transfer });
    await client.locator('[data-dropzone]').dispatchEvent('drop', { dataTransfer: transfer });
    await client.waitForSelector('text=glisse.pdf');
    await checked(client, 'client-depot-glisse');
    await client.getByRole('button', { name: 'Déposer' }).click();
    await client.waitForSelector('text=Votre document a été déposé');
    await client.waitForSelector('h2:has-text("Documents déposés")');
    for (const name of ['piece-1', 'piece-2', 'glisse'])
      assert.equal(await client.getByRole('link', { name }).count(), 1, name);
    await checked(client, 'client-dossier');
    const rows = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM shared_item WHERE direction = 'depose'`,
    );
    assert.equal(rows[0].n, 3);
  });

  it('the client asks for a change of contact details, which the firm accepts', async () => {
    await client.goto(`${app.url}/espace-client`);
    await client.getByRole('link', { name: 'Mettre à jour mes coordonnées' }).click();
    await client.locator('#address').fill('3 rue des Lilas');
    await client.locator('#postalCode').fill('34000');
    await client.locator('#city').fill('MONTPELLIER');
    await client.locator('#phone').fill('04 67 15 98 42');
    await client.locator('#mobile').fill('06 15 25 65 25');
    await checked(client, 'client-coordonnees');
    await client.getByRole('button', { name: 'Envoyer' }).click();
    await client.waitForSelector('text=Votre demande a été envoyée à votre avocat');

    await firm.goto(base);
    await firm.waitForSelector('text=MONTPELLIER');
    await checked(firm, 'cabinet-demande-coordonnees');
    await firm.getByRole('button', { name: 'Accepter la demande de ALEXANDER Luce' }).click();
    await firm.waitForSelector('text=La demande est acceptée');
    await client.reload();
    await client.waitForSelector('text=acceptée');
  });

  it('the client writes to her interlocutor, who reads it in the dossier', async () => {
    await client.goto(`${app.url}/espace-client`);
    await client.getByRole('link', { name: 'DOSSIERS (1)' }).click();
    await client.getByRole('link', { name: '2017IIDOS/1529' }).click();
    await client.getByRole('link', { name: 'Contacter l’interlocuteur' }).click();
    await client.waitForSelector('text=DELMAS Fabien');
    await client.locator('#subject').fill('Demande de RDV');
    await client.locator('#body').fill('Bonjour Maître,\npouvons-nous nous voir mardi ?');
    await checked(client, 'client-contacter');
    await client.getByRole('button', { name: 'Envoyer' }).click();
    await client.waitForSelector('text=Votre message a été envoyé à votre interlocuteur.');

    await firm.goto(base);
    await firm.getByRole('link', { name: '2017IIDOS/1529' }).click();
    await firm.waitForSelector('text=pouvons-nous nous voir mardi ?');
    await checked(firm, 'cabinet-dossier-message');
  });
});
