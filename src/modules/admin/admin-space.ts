import type { Request, Response } from 'express';
import { operatorRoleOf } from './operator-roles';
import { roleAtLeast } from './operators.service';

/** The operators' console, a first-party relying party of the platform's own provider (`FirstPartySpaceModule`). */
export const CONSOLE_SPACE = {
  clientId: 'plateforme-console',
  name: 'la console d’administration',
  path: '/admin',
  scope: 'openid profile email',
};

/** A page of the console, in admin's templates, with its section marked in the console menu and the operator's role. */
export function renderConsolePage(
  req: Request,
  res: Response,
  view: string,
  section: string,
  title: string,
  data: Record<string, unknown>,
): void {
  const role = operatorRoleOf(req);
  res.render(`modules/admin/views/${view}.njk`, {
    title,
    section,
    signedIn: true,
    operatorRole: role,
    // What the page may offer: `lecture` sees, `support` acts on accounts, `super-admin` on everything.
    canAct: roleAtLeast(role, 'support'),
    ...data,
  });
}
