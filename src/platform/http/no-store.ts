import type { NextFunction, Request, Response } from 'express';

/**
 * Paths whose answers carry personal data or belong to a signed-in person: the account space, the steps of a sign-in,
 * registration, activation, invitation and recovery (identifiers, tickets, links), FranceConnect's pages, the JSON API and the
 * development mailbox. The spaces still to come (`/espace-client`, `/espace-cabinet`, `/admin`) are listed already.
 * The provider sets `no-store` on its own endpoints (token, userinfo, introspection, authorization, logout).
 */
const PERSONAL = [
  '/compte',
  '/interaction/',
  '/inscription',
  '/activation',
  '/invitation',
  '/mot-de-passe-oublie',
  '/identifiant-oublie',
  '/franceconnect',
  '/espace-client',
  '/espace-cabinet',
  '/admin',
  '/api/',
  '/dev/boite-mail',
];

/** `Cache-Control: no-store` on every answer under those paths, so no browser or proxy keeps a copy of them. */
export function noStoreForPersonalData(req: Request, res: Response, next: NextFunction): void {
  if (
    PERSONAL.some((prefix) => req.path === prefix || req.path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
  )
    res.setHeader('Cache-Control', 'no-store');
  next();
}
