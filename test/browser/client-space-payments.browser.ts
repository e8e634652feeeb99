import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestPaymentProviderServer } from '../../src/dev/test-payment-provider';
import { FirmsService, ItemsService } from '../../src/modules/client-space';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { acceptInvitation, makeFirm, PASSWORD, PDF } from '../support/client-space';
import { startAppWithTestPaymentProvider } from '../support/payments';
import type { TestApp } from '../support/test-app';

const LUCE = 'luce.alexander@example.fr';

/**
 * « Payer » in Chromium, with axe-core on each page: the client pays an invoice on the local test provider's page and
 * sees it « payée » once the webhook has arrived; a refusal and a cancellation leave it « à payer ».
 */
describe('Client space: paying an invoice in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let provider: TestPaymentProviderServer;
  let browser: Browser;
  let context: BrowserContext;
  let firmId: string;
  let dossierId: string;
  let base: string;
  const problems: string[] = [];

  const open = async (): Promise<Page> => {
    const p = await context.newPage();
    p.setDefaultTimeout(10_000);
    p.on('pageerror', (error) => problems.push(error.message));
    return p;
  };
  const checked = async (p: Page, name: string) => {
    await screenshot(p, name);
    assert.deepEqual(await accessibilityViolations(p), [], `axe-core sur ${name}`);
  };
  const newInvoice = async (number: string) =>
    (
      await app.app.get(ItemsService).create(firmId, dossierId, {
        kind: 'facture',
        title: `Honoraires ${number}`,
        date: '2024-01-08',
        invoiceNumber: number,
        amount: '1 250,50',
        file: { name: `${number}.pdf`, data: PDF },
        share: true,
      })
    ).id;

  before(async () => {
    ({ app, provider } = await startAppWithTestPaymentProvider());
    const made = await makeFirm(app, 'Cabinet Delmas', 'fabien.delmas', { payments: true });
    firmId = made.firm.id;
    base = `${app.url}/espace-client/cabinets/${firmId}`;
    const firms = app.app.get(FirmsService);
    const luce = await firms.inviteClient(firmId, {
      kind: 'personne',
      contact: { email: LUCE, familyName: 'ALEXANDER', givenName: 'Luce' },
    });
    await acceptInvitation(app, LUCE);
    dossierId = (
      await firms.createDossier(firmId, {
        number: '2017IIDOS/1529',
        label: 'ALEXAN',
        interlocutorId: made.staff.id,
        clientIds: [luce.id],
      })
    ).id;
    browser = await launchBrowser();
    context = await browser.newContext();
    const p = await open();
    await p.goto(base);
    await p.waitForURL(/\/interaction\//);
    await p.getByLabel('Identifiant ou adresse électronique').fill(LUCE);
    await p.getByRole('button', { name: 'Continuer' }).click();
    await p.locator('#password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.waitForURL(base);
    await p.close();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await provider?.close();
    assert.deepEqual(problems, []);
  });

  it('the client pays with the test provider and sees the invoice « payée » after the webhook', async () => {
    const invoice = await newInvoice('F-2024-101');
    const p = await open();
    await p.goto(`${base}/factures`);
    const row = p.getByRole('row', { name: /F-2024-101/ });
    assert.match(await row.innerText(), /À payer/);
    await checked(p, 'espace-client-factures-payer');
    await Promise.all([
      p.waitForURL(`${provider.url}/**`),
      p.getByRole('button', { name: 'Payer la facture F-2024-101' }).click(),
    ]);
    assert.match(await p.locator('.montant').innerText(), /1\s250,50\s€/);
    await Promise.all([p.waitForURL(/paiement=retour/), p.getByRole('button', { name: /^Payer/ }).click()]);
    assert.equal(provider.deliveries.at(-1)?.status, 200, 'the webhook arrived before the return');
    assert.match(await p.locator('main').innerText(), /Votre paiement est confirmé : la facture est payée/);
    assert.match(await p.locator('dl').innerText(), /Statut\s+Payée/);
    assert.equal(await p.getByRole('button', { name: 'Payer' }).count(), 0);
    await checked(p, 'espace-client-facture-payee');
    await p.goto(`${base}/factures`);
    assert.match(await p.getByRole('row', { name: /F-2024-101/ }).innerText(), /Payée/);
    assert.ok(invoice);
    await p.close();
  });

  it('shows « paiement en cours de confirmation » while the webhook has not arrived', async () => {
    await newInvoice('F-2024-102');
    provider.deliverWebhooks = false;
    const p = await open();
    try {
      await p.goto(`${base}/factures`);
      await p.getByRole('link', { name: 'F-2024-102', exact: true }).click();
      await Promise.all([p.waitForURL(`${provider.url}/**`), p.getByRole('button', { name: 'Payer' }).click()]);
      await Promise.all([p.waitForURL(/paiement=retour/), p.getByRole('button', { name: /^Payer/ }).click()]);
      assert.match(await p.locator('main').innerText(), /paiement est en cours de confirmation/);
      assert.match(await p.locator('dl').innerText(), /Statut\s+Paiement en cours de confirmation/);
      await checked(p, 'espace-client-facture-en-confirmation');
    } finally {
      provider.deliverWebhooks = true;
      await p.close();
    }
  });

  it('a refusal or a cancellation leaves the invoice « à payer »', async () => {
    await newInvoice('F-2024-103');
    const p = await open();
    for (const [choice, said] of [
      [/^Refuser/, /Le paiement a été refusé : la facture reste à payer/],
      [/^Annuler/, /Le paiement a été annulé : la facture reste à payer/],
    ] as const) {
      await p.goto(`${base}/factures`);
      await Promise.all([
        p.waitForURL(`${provider.url}/**`),
        p.getByRole('button', { name: 'Payer la facture F-2024-103' }).click(),
      ]);
      await Promise.all([p.waitForURL(/paiement=(retour|annule)/), p.getByRole('button', { name: choice }).click()]);
      assert.match(await p.locator('main').innerText(), said);
      assert.match(await p.locator('dl').innerText(), /Statut\s+À payer/);
      await checked(p, `espace-client-facture-${choice.source.slice(1).toLowerCase()}`);
    }
    await p.close();
  });
});
