import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { FirmsService, ItemsService } from '../../src/modules/client-space';
import { IdentityService } from '../../src/modules/identity';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { makeFirm, PASSWORD, PDF } from '../support/client-space';
import { startTestApp, type TestApp } from '../support/test-app';

const ALICE = 'alice.smith@example.com';

/**
 * The client space in English in Chromium (an English browser: `Accept-Language`), axe-core on every page: the
 * client's home, categories, file, invoice, account, contact details (with a form error) and message pages, an upload
 * through the script; then the firm's pages.
 */
describe('Client space in English in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  let firmId: string;
  let dossierId: string;
  let staffEmail: string;
  const problems: string[] = [];

  const checked = async (p: Page, name: string) => {
    assert.equal(await p.locator('html').getAttribute('lang'), 'en', name);
    await screenshot(p, name);
    assert.deepEqual(await accessibilityViolations(p), [], `axe-core sur ${name}`);
  };
  const signIn = async (p: Page, path: string, login: string) => {
    await p.goto(`${app.url}${path}`);
    await p.waitForURL(/\/interaction\//);
    await p.getByLabel('Identifier or e-mail address').fill(login);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.locator('#password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(new RegExp(`${path}/`));
  };
  const newPage = async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 400 /.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return page;
  };

  before(async () => {
    app = await startTestApp();
    const made = await makeFirm(app, 'Delmas Partners', 'fabien.delmas');
    firmId = made.firm.id;
    staffEmail = made.email;
    const account = await app.app.get(IdentityService).createActiveAccount({
      email: ALICE,
      identifier: 'alice.smith',
      password: PASSWORD,
      givenName: 'Alice',
      familyName: 'Smith',
    });
    await app.dataSource.query(`UPDATE account SET locale = 'en' WHERE id = $1`, [account.id]);
    const firms = app.app.get(FirmsService);
    const client = await firms.inviteClient(firmId, {
      kind: 'personne',
      contact: { familyName: 'SMITH', givenName: 'Alice', email: ALICE },
    });
    const dossier = await firms.createDossier(firmId, {
      number: '2024/77',
      label: 'SMITH / ESTATE AGENCY',
      interlocutorId: made.staff.id,
      clientIds: [client.id],
    });
    dossierId = dossier.id;
    const items = app.app.get(ItemsService);
    await items.create(firmId, dossier.id, {
      kind: 'document',
      title: 'Letter to the client',
      date: '2024-01-08',
      file: { name: 'letter.pdf', data: PDF },
      share: true,
    });
    await items.create(firmId, dossier.id, {
      kind: 'facture',
      title: 'Fees',
      date: '2024-01-09',
      invoiceNumber: 'F-1',
      amount: '1250.50',
      file: { name: 'fees.pdf', data: PDF },
      share: true,
    });
    await items.create(firmId, dossier.id, {
      kind: 'rdv',
      title: 'First meeting',
      date: '2024-01-15',
      place: 'At the office',
      time: '14:30',
      share: true,
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    assert.deepEqual(problems, []);
  });

  it('shows the client’s pages in English, answers a form error and an upload in English', async () => {
    const page = await newPage();
    await signIn(page, '/espace-client', ALICE);
    await page.getByRole('heading', { name: 'Go to:' }).waitFor();
    for (const label of ['DOCUMENTS (1)', 'FILES (1)', 'APPOINTMENTS (1)', 'INVOICES (1)'])
      assert.equal(await page.getByRole('link', { name: label }).count(), 1, label);
    await checked(page, 'client-home-en');

    await page.getByRole('link', { name: 'DOCUMENTS (1)' }).click();
    await page.getByRole('columnheader', { name: 'Document name' }).waitFor();
    assert.match(await page.locator('main').innerText(), /8 Jan 2024/);
    await checked(page, 'client-documents-en');

    await page.getByRole('link', { name: 'Home' }).first().click();
    await page.getByRole('link', { name: 'INVOICES (1)' }).click();
    await page.getByText('€1,250.50').waitFor();
    await checked(page, 'client-invoices-en');
    await page.getByRole('link', { name: 'F-1', exact: true }).click();
    await page.getByRole('heading', { name: 'Invoice F-1' }).waitFor();
    await checked(page, 'client-invoice-en');

    await page.getByRole('link', { name: 'Home' }).first().click();
    await page.getByRole('link', { name: 'FILES (1)' }).click();
    await page.getByRole('heading', { name: 'Files (1)' }).waitFor();
    await checked(page, 'client-files-en');
    await page.getByRole('link', { name: '2024/77' }).click();
    await page.getByRole('heading', { name: 'Documents received' }).waitFor();
    await checked(page, 'client-file-en');

    // An upload through the script (its messages are the page's).
    await page.locator('#files').setInputFiles({ name: 'payslip.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('Your document has been uploaded: your lawyer has been told.').waitFor();
    await page.getByRole('heading', { name: 'Documents uploaded' }).waitFor();

    await page.getByRole('link', { name: 'Contact my contact person' }).click();
    await page.locator('#subject').fill('Meeting');
    await page.locator('#body').fill('Could we meet next week?');
    await checked(page, 'client-message-en');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Your message has been sent to your contact person.').waitFor();

    await page.getByRole('link', { name: 'My account', exact: true }).click();
    await page.getByRole('link', { name: 'Change my password' }).waitFor();
    await checked(page, 'client-account-en');

    await page.getByRole('link', { name: 'Update my contact details' }).click();
    await page.locator('#address').fill('1 High Street');
    await page.locator('#postalCode').fill('SW1A');
    await page.locator('#city').fill('London');
    await page.locator('#phone').fill('04 67 15 98 42');
    await page.locator('#mobile').fill('06 15 25 65 25');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('The postcode has 5 digits, for example 34470.').waitFor();
    await checked(page, 'client-contact-error-en');
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /[àâçéèêîôû«»]|\b(Votre|Dossier|Envoyer|coordonnées)\b/, text);
    await page.context().close();
  });

  it('shows the firm’s pages in English', async () => {
    const page = await newPage();
    await signIn(page, '/espace-cabinet', staffEmail);
    await page.getByRole('heading', { name: 'Team' }).waitFor();
    await checked(page, 'firm-home-en');
    await page.getByRole('link', { name: '2024/77' }).click();
    await page.getByRole('heading', { name: 'File 2024/77 - SMITH / ESTATE AGENCY' }).waitFor();
    await page.getByText('Meeting').first().waitFor();
    await checked(page, 'firm-file-en');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Give a name or a title (300 characters at most).').waitFor();
    await checked(page, 'firm-file-error-en');
    await page.getByRole('link', { name: 'Invite a client' }).first().click();
    await page.getByRole('heading', { name: 'Invite a client' }).waitFor();
    await checked(page, 'firm-invite-en');
    await page.getByRole('link', { name: 'New file' }).first().click();
    await checked(page, 'firm-new-file-en');
    await page.getByRole('link', { name: 'Look of the client space' }).first().click();
    await checked(page, 'firm-branding-en');
    assert.ok(dossierId);
    await page.context().close();
  });
});
