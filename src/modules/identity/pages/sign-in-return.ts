import type { CookieOptions, Request, Response } from 'express';

/**
 * Where recovery brings the person back: the sign-in they interrupted (« Mot de passe ou identifiant oublié ? » on a
 * site's sign-in page, which adds `?retour=/interaction/<uid>`), else the account space. Kept in a short cookie so that
 * it holds across the recovery pages and the e-mailed link opened in the same browser. Only a sign-in of this platform
 * is accepted, never another address (no open redirect).
 */
export const SIGN_IN_RETURN_COOKIE = 'retour_connexion';
const INTERACTION_PATH = /^\/interaction\/[A-Za-z0-9_-]{1,100}$/;
const DEFAULT = '/compte';

function valid(value: unknown): value is string {
  return typeof value === 'string' && INTERACTION_PATH.test(value);
}

/** Remembers `?retour=` of a recovery page, when it is a sign-in of this platform. */
export function rememberSignInReturn(req: Request, res: Response, secure: boolean): void {
  const value = (req.query as Record<string, unknown>).retour;
  if (!valid(value)) return;
  const options: CookieOptions = { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 60 * 60 * 1000 };
  res.cookie(SIGN_IN_RETURN_COOKIE, value, options);
}

/** The address of « Retour à la connexion » and « M'identifier ». */
export function signInReturn(req: Request): string {
  const query = (req.query as Record<string, unknown>).retour;
  if (valid(query)) return query;
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[SIGN_IN_RETURN_COOKIE];
  return valid(cookie) ? cookie : DEFAULT;
}
