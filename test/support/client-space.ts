import { FirmsService } from '../../src/modules/client-space';
import { IdentityService } from '../../src/modules/identity';
import { HttpBrowser } from './http-browser';
import type { TestApp } from './test-app';

export const PASSWORD = 'Chaussette-Volante-7';
/** A small but real PDF (file-type reads `%PDF-`). */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
/** A Windows executable (« MZ ») dressed up as a PDF. */
export const FORGED = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), Buffer.alloc(200)]);

/** A firm with an associate (an active account). */
export async function makeFirm(
  app: TestApp,
  name: string,
  staffIdentifier: string,
  options: { payments?: boolean } = {},
) {
  const firms = app.app.get(FirmsService);
  const firm = await firms.addFirm({ name, onlinePayment: options.payments });
  const email = `${staffIdentifier}@example.fr`;
  await app.app.get(IdentityService).createActiveAccount({
    email,
    identifier: staffIdentifier,
    password: PASSWORD,
    givenName: 'Fabien',
    familyName: 'Delmas',
  });
  const staff = await firms.addStaff(firm.id, email, 'associe');
  return { firm, staff, email };
}

/** A browser signed in to a space (`/espace-cabinet`, `/espace-client`) through the provider's pages. */
export async function signInTo(app: TestApp, path: string, login: string, password = PASSWORD): Promise<HttpBrowser> {
  const browser = new HttpBrowser();
  let page = await browser.get(`${app.url}${path}`, app.url);
  page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
  page = await browser.submit(page, /mot-de-passe$/, { password }, app.url);
  if (!page.url.startsWith(`${app.url}${path}`)) throw new Error(`Connexion manquée : ${page.url} ${page.status}`);
  return browser;
}

/** Accepts the invitation e-mailed to `email` (its link, read from the outbox), choosing `password`. */
export async function acceptInvitation(app: TestApp, email: string, password = PASSWORD): Promise<void> {
  const [mail] = await app.dataSource.query<Array<{ data: { invitationUrl: string } }>>(
    `SELECT data FROM outbox_message WHERE recipient = $1 AND template = 'account-invitation' ORDER BY created_at DESC LIMIT 1`,
    [email],
  );
  if (!mail) throw new Error(`Pas d’invitation pour ${email}`);
  const browser = new HttpBrowser();
  const page = await browser.get(mail.data.invitationUrl);
  const done = await browser.submit(page, /invitation/, {
    password,
    passwordConfirmation: password,
    acceptTerms: 'oui',
    acceptPrivacy: 'oui',
  });
  if (done.status !== 200) throw new Error(`Invitation refusée : ${done.status} ${done.body.slice(0, 500)}`);
}
