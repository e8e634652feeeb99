import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestPaymentProviderServer } from '../../src/dev/test-payment-provider';
import { FirmsService, ItemsService } from '../../src/modules/client-space';
import { TEST_SIGNATURE_HEADER } from '../../src/platform/payments';
import { acceptInvitation, makeFirm, PDF, signInTo } from '../support/client-space';
import type { HttpBrowser } from '../support/http-browser';
import { startAppWithTestPaymentProvider } from '../support/payments';
import type { TestApp } from '../support/test-app';

const LUCE = 'luce.paiement@example.fr';
const PAUL = 'paul.paiement@example.fr';

describe('Client space: « Payer » an invoice online', () => {
  let app: TestApp;
  let provider: TestPaymentProviderServer;
  let firmA: string;
  let firmNoPay: string;
  let staffA: HttpBrowser;
  let luce: HttpBrowser;
  let paul: HttpBrowser;
  let dossierLuce: string;
  let invoiceNoPay: string;

  const status = async (invoice: string) =>
    (
      await app.dataSource.query<Array<{ status: string }>>(
        `SELECT details ->> 'status' AS status FROM shared_item WHERE id = $1`,
        [invoice],
      )
    )[0].status;
  const payments = async (invoice: string) =>
    app.dataSource.query<Array<{ status: string; amount_cents: number }>>(
      `SELECT status, amount_cents FROM payment WHERE reference = $1 ORDER BY created_at`,
      [invoice],
    );

  async function newInvoice(firm: string, dossier: string, number: string, share = true): Promise<string> {
    const item = await app.app.get(ItemsService).create(firm, dossier, {
      kind: 'facture',
      title: `Honoraires ${number}`,
      date: '2024-01-08',
      invoiceNumber: number,
      amount: '1 250,50',
      file: { name: `${number}.pdf`, data: PDF },
      share,
    });
    return item.id;
  }

  /** The client presses « Payer » on the invoice's page: the platform sends them to the provider's page. */
  async function pressPay(browser: HttpBrowser, firm: string, invoice: string): Promise<string> {
    const page = await browser.get(`${app.url}/espace-client/cabinets/${firm}/factures/${invoice}`);
    assert.equal(page.status, 200);
    const sent = await browser.submit(page, /\/payer$/, {}, app.url);
    assert.equal(sent.status, 303, sent.body.slice(0, 500));
    assert.ok(sent.location?.startsWith(provider.url), sent.location);
    return sent.location!;
  }

  /** The buyer's choice on the local test provider's page; answers where it sends them back. */
  async function choose(redirectUrl: string, choice: 'payer' | 'refuser' | 'annuler'): Promise<string> {
    const page = await fetch(redirectUrl);
    assert.match(await page.text(), /1\s250,50\s€/);
    const response = await fetch(redirectUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ choix: choice }).toString(),
      redirect: 'manual',
    });
    assert.equal(response.status, 303);
    return response.headers.get('location')!;
  }

  before(async () => {
    ({ app, provider } = await startAppWithTestPaymentProvider());
    const firms = app.app.get(FirmsService);
    const a = await makeFirm(app, 'Cabinet Delmas', 'fabien.paiement', { payments: true });
    const c = await makeFirm(app, 'Cabinet Sans Paiement', 'sans.paiement');
    firmA = a.firm.id;
    firmNoPay = c.firm.id;
    const contact = (email: string, familyName: string) => ({
      kind: 'personne',
      contact: { email, familyName, givenName: 'Test' },
    });
    const luceA = await firms.inviteClient(firmA, contact(LUCE, 'ALEXANDER'));
    const paulA = await firms.inviteClient(firmA, contact(PAUL, 'MARTIN'));
    const luceC = await firms.inviteClient(firmNoPay, contact(LUCE, 'ALEXANDER'));
    await acceptInvitation(app, LUCE);
    await acceptInvitation(app, PAUL);
    dossierLuce = (
      await firms.createDossier(firmA, {
        number: '2017IIDOS/1529',
        label: 'ALEXAN',
        interlocutorId: a.staff.id,
        clientIds: [luceA.id],
      })
    ).id;
    await firms.createDossier(firmA, {
      number: '2018/0001',
      label: 'MARTIN',
      interlocutorId: a.staff.id,
      clientIds: [paulA.id],
    });
    const dossierC = await firms.createDossier(firmNoPay, {
      number: 'C-1',
      label: 'ALEXAN',
      interlocutorId: c.staff.id,
      clientIds: [luceC.id],
    });
    invoiceNoPay = await newInvoice(firmNoPay, dossierC.id, 'C-2024-1');
    staffA = await signInTo(app, '/espace-cabinet', a.email);
    luce = await signInTo(app, `/espace-client/cabinets/${firmA}`, LUCE);
    paul = await signInTo(app, `/espace-client/cabinets/${firmA}`, PAUL);
  });
  after(async () => {
    await app?.close();
    await provider?.close();
  });
  beforeEach(() => {
    provider.deliverWebhooks = true;
  });

  it('offers « Payer » only on an unpaid invoice of a firm that takes online payment', async () => {
    const invoice = await newInvoice(firmA, dossierLuce, 'F-2024-001');
    const list = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/factures`);
    assert.match(list.body, new RegExp(`action="/espace-client/cabinets/${firmA}/factures/${invoice}/payer"`));
    const other = await luce.get(`${app.url}/espace-client/cabinets/${firmNoPay}/factures`);
    assert.equal(other.status, 200);
    assert.match(other.body, /C-2024-1/);
    assert.doesNotMatch(other.body, /\/payer"/);
    const page = await luce.get(`${app.url}/espace-client/cabinets/${firmNoPay}/factures/${invoiceNoPay}`);
    assert.doesNotMatch(page.body, /\/payer"/);
    // Posting anyway to the firm without online payment: refused, nothing opened.
    const refused = await luce.post(
      `${app.url}/espace-client/cabinets/${firmNoPay}/factures/${invoiceNoPay}/payer`,
      { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1] },
      app.url,
    );
    assert.equal(refused.status, 409);
    assert.match(refused.body, /paiement en ligne n’est pas proposé/);
    assert.equal((await payments(invoiceNoPay)).length, 0);
  });

  it('marks the invoice « payée » only when the signed webhook arrives; the return alone shows it is being confirmed', async () => {
    const invoice = await newInvoice(firmA, dossierLuce, 'F-2024-002');
    provider.deliverWebhooks = false;
    const back = await choose(await pressPay(luce, firmA, invoice), 'payer');
    assert.equal(back, `${app.url}/espace-client/cabinets/${firmA}/factures/${invoice}?paiement=retour`);
    const waiting = await luce.get(back);
    assert.match(waiting.body, /paiement est en cours de confirmation/);
    assert.equal(await status(invoice), 'a-payer');
    assert.deepEqual(
      (await payments(invoice)).map((p) => [p.status, p.amount_cents]),
      [['pending', 125050]],
    );

    // A forged webhook (wrong signature) is refused and changes nothing.
    const delivery = provider.deliveries.at(-1)!;
    const forged = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [TEST_SIGNATURE_HEADER]: `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      body: delivery.body,
    });
    assert.equal(forged.status, 400);
    assert.equal(await status(invoice), 'a-payer');
    assert.equal((await payments(invoice))[0].status, 'pending');

    // The provider's real webhook, late: now it is paid; the same event again changes nothing.
    for (const expected of [200, 200]) {
      const real = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: delivery.signature },
        body: delivery.body,
      });
      assert.equal(real.status, expected);
    }
    assert.equal(await status(invoice), 'payee');
    const paid = await luce.get(back);
    assert.match(paid.body, /la facture est payée/);
    assert.doesNotMatch(paid.body, /\/payer"/);
    const list = await luce.get(`${app.url}/espace-client/cabinets/${firmA}/factures`);
    assert.match(list.body, /F-2024-002<\/a><\/td><td>1\s250,50\s€<\/td>\s*<td>Payée/);

    // An invoice already paid cannot be paid again.
    const again = await luce.post(
      `${app.url}/espace-client/cabinets/${firmA}/factures/${invoice}/payer`,
      { _csrf: /name="_csrf" value="([^"]+)"/.exec(list.body)![1] },
      app.url,
    );
    assert.equal(again.status, 409);
    assert.match(again.body, /déjà payée/);

    // The firm's side sees the status.
    const dossier = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(dossier.body, /N° F-2024-002, 1\s250,50\s€ TTC, payée/);
  });

  it('does not mark paid an invoice whose amount changed after the payment was opened', async () => {
    const invoice = await newInvoice(firmA, dossierLuce, 'F-2024-005');
    provider.deliverWebhooks = false;
    await choose(await pressPay(luce, firmA, invoice), 'payer');
    await app.dataSource.query(
      `UPDATE shared_item SET details = jsonb_set(details, '{amountCents}', '99000') WHERE id = $1`,
      [invoice],
    );
    const delivery = provider.deliveries.at(-1)!;
    const real = await fetch(delivery.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: delivery.signature },
      body: delivery.body,
    });
    assert.equal(real.status, 200);
    assert.equal((await payments(invoice))[0].status, 'succeeded', 'the payment itself is recorded');
    assert.equal(await status(invoice), 'a-payer', 'the invoice asks another amount: it stays to pay');
  });

  it('leaves the invoice unpaid when the bank refuses or the client cancels', async () => {
    const invoice = await newInvoice(firmA, dossierLuce, 'F-2024-003');
    const refused = await choose(await pressPay(luce, firmA, invoice), 'refuser');
    assert.match((await luce.get(refused)).body, /paiement a été refusé/);
    assert.equal(await status(invoice), 'a-payer');
    const cancelled = await choose(await pressPay(luce, firmA, invoice), 'annuler');
    assert.equal(cancelled, `${app.url}/espace-client/cabinets/${firmA}/factures/${invoice}?paiement=annule`);
    const page = await luce.get(cancelled);
    assert.match(page.body, /paiement a été annulé/);
    assert.match(page.body, /\/payer"/, '« Payer » is offered again');
    assert.equal(await status(invoice), 'a-payer');
    assert.deepEqual(
      (await payments(invoice)).map((p) => p.status),
      ['failed', 'cancelled'],
    );
    const dossier = await staffA.get(`${app.url}/espace-cabinet/cabinets/${firmA}/dossiers/${dossierLuce}`);
    assert.match(dossier.body, /N° F-2024-003, 1\s250,50\s€ TTC, à payer/);
  });

  it('refuses a payment for another client’s invoice or an unshared one (404), opening nothing', async () => {
    const invoice = await newInvoice(firmA, dossierLuce, 'F-2024-004');
    const hidden = await newInvoice(firmA, dossierLuce, 'F-2024-005', false);
    const home = await paul.get(`${app.url}/espace-client/cabinets/${firmA}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)![1];
    for (const [browser, id] of [
      [paul, invoice],
      [luce, hidden],
      [luce, 'pas-un-id'],
    ] as const) {
      const token = /name="_csrf" value="([^"]+)"/.exec(
        (await browser.get(`${app.url}/espace-client/cabinets/${firmA}`)).body,
      )![1];
      const answer = await browser.post(
        `${app.url}/espace-client/cabinets/${firmA}/factures/${id}/payer`,
        { _csrf: token },
        app.url,
      );
      assert.equal(answer.status, 404, `${id}: ${answer.status}`);
      const page = await browser.get(`${app.url}/espace-client/cabinets/${firmA}/factures/${id}`);
      assert.equal(page.status, 404);
    }
    // Luce's invoice under the firm where Paul is no client at all: refused before anything is read.
    const elsewhere = await paul.post(
      `${app.url}/espace-client/cabinets/${firmNoPay}/factures/${invoiceNoPay}/payer`,
      { _csrf: csrf },
      app.url,
    );
    assert.ok([403, 404].includes(elsewhere.status), String(elsewhere.status));
    assert.equal((await payments(invoice)).length, 0);
    assert.equal((await payments(hidden)).length, 0);
    assert.equal((await payments(invoiceNoPay)).length, 0);
  });
});
