import { IdentityService } from '../../src/modules/identity';
import { OperatorsService, type OperatorRole } from '../../src/modules/admin';
import { HttpBrowser } from './http-browser';
import type { TestApp } from './test-app';

export const ADMIN_PASSWORD = 'Chaussette-Volante-7';

/** An active account, an operator with `role` unless `role` is undefined. */
export async function makeAccount(
  app: TestApp,
  identifier: string,
  role?: OperatorRole,
  names: { givenName?: string; familyName?: string } = {},
): Promise<{ id: string; email: string }> {
  const email = `${identifier}@example.fr`;
  const account = await app.app
    .get(IdentityService)
    .createActiveAccount({ email, identifier, password: ADMIN_PASSWORD, ...names });
  if (role) await app.app.get(OperatorsService).add(email, role);
  return { id: account.id, email };
}

/** A browser signed in to the console (through the provider's sign-in pages) as this account. */
export async function signInToConsole(app: TestApp, email: string): Promise<HttpBrowser> {
  const browser = new HttpBrowser();
  let page = await browser.get(`${app.url}/admin`, app.url);
  page = await browser.submit(page, /identifiant$/, { identifier: email }, app.url);
  page = await browser.submit(page, /mot-de-passe$/, { password: ADMIN_PASSWORD }, app.url);
  if (!page.url.startsWith(`${app.url}/admin`)) throw new Error(`Connexion à la console manquée : ${page.url}`);
  return browser;
}

/** The CSRF token of a console page (the hidden `_csrf` of its first form). */
export function csrfOf(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match) throw new Error('Pas de jeton CSRF sur la page');
  return match[1];
}
