import type { NextFunction, Request, Response } from 'express';
import { DEFAULT_LOCALE, firstSupportedLocale, isLocale, LOCALES, localeState, withLocale, type Locale } from './i18n';

/** The cookie that keeps the language chosen with the shell's switch (« English / Français »). */
export const LOCALE_COOKIE = 'langue';

function cookieLocale(req: Request): Locale | undefined {
  const match = /(?:^|;\s*)langue=([a-z]{2})(?:;|$)/.exec(req.headers.cookie ?? '');
  return match && isLocale(match[1]) ? match[1] : undefined;
}

/**
 * A request's language: the authorization request's `ui_locales` (on `/oidc/auth`; the interaction pages read it
 * from the interaction), else the language chosen on a page (cookie), else `Accept-Language`, else French. The JSON
 * API (`/api/v1`) answers in French whatever the request says: its problem details and field messages are for
 * developers (docs/i18n.md).
 */
export function requestLocale(req: Request): { locale: Locale; fixed: boolean } {
  if (req.path === '/api/v1' || req.path.startsWith('/api/v1/')) return { locale: DEFAULT_LOCALE, fixed: true };
  const requested = req.path === '/oidc/auth' ? firstSupportedLocale(req.query.ui_locales) : undefined;
  if (requested) return { locale: requested, fixed: true };
  const accepted = req.headers['accept-language'] ? req.acceptsLanguages(...LOCALES) : false;
  return { locale: cookieLocale(req) ?? (isLocale(accepted) ? accepted : DEFAULT_LOCALE), fixed: false };
}

/**
 * Runs the rest of the request in its language (`t()`, the templates). Mounted twice: before the OpenID provider,
 * and again after the body parsers (a body read from the socket may lose the asynchronous context).
 */
export function localeMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const known = localeState();
  if (known) return next();
  const { locale, fixed } = requestLocale(req);
  withLocale({ locale, fixed, returnTo: req.method === 'GET' ? req.originalUrl : undefined }, next);
}
