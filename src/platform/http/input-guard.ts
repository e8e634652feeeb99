import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { isApiPath, problemDetails, sendProblem } from '../api/problem-details';
import { requestContext } from './request-context';

/**
 * C0 control characters other than tab, line feed and carriage return: no form field, parameter or JSON value of the
 * platform carries them, and PostgreSQL refuses NUL in text (a 500 if it ever got that far).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
/** How deep a JSON body or a bracketed query may nest before it is refused outright. */
const MAX_DEPTH = 32;
/** Body types the platform's routes accept (`multipart/form-data` only for uploads, parsed where they are). */
const ACCEPTED_TYPES = ['application/x-www-form-urlencoded', 'application/json', 'multipart/form-data'];
/** The provider parses its own bodies, up to 56 KB: read here first to be checked, then handed over as they are. */
const PROVIDER_BODY_LIMIT = 56 * 1024;
const PROVIDER_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

const MESSAGE = 'La requête contient des caractères non autorisés.';

/** Whether a parsed value (string, array, object, nested) holds a control character or a lone UTF-16 surrogate. */
export function hasForbiddenCharacters(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return true;
  if (typeof value === 'string') return CONTROL.test(value) || !value.isWellFormed();
  if (Array.isArray(value)) return value.some((item) => hasForbiddenCharacters(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(
      ([key, item]) => hasForbiddenCharacters(key, depth + 1) || hasForbiddenCharacters(item, depth + 1),
    );
  }
  return false;
}

/** The query string's parameters, decoded (percent-encoded NUL included), as strings. */
function queryValues(req: Request): string[] {
  const index = req.originalUrl.indexOf('?');
  if (index < 0) return [];
  const params = new URLSearchParams(req.originalUrl.slice(index + 1));
  return [...params].flat();
}

/**
 * The path's segments, decoded as the router decodes route parameters; `undefined` when a percent escape is malformed
 * (`%E0%A4%A`), which the router would otherwise turn into a 500 or hand over as it is.
 */
function pathSegments(req: Request): string[] | undefined {
  try {
    return req.path.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before anything reads them: control characters or lone surrogates in the path (a route parameter such as
 * `/compte/securite/sites/a%00b/retirer`) and the query string of any route, and in
 * the provider's form and JSON bodies (mounted before the platform's body parsers, the provider is guarded here). Under
 * `/oidc` the refusal is the spec-shaped OAuth error (RFC 6749 §5.2 `invalid_request`), elsewhere the French error
 * page.
 */
export function inputGuardBeforeProvider(): RequestHandler {
  const readProviderBody = express.raw({ type: PROVIDER_TYPES, limit: PROVIDER_BODY_LIMIT });
  return (req: Request, res: Response, next: NextFunction) => {
    const segments = pathSegments(req);
    if (!segments || hasForbiddenCharacters(segments) || hasForbiddenCharacters(queryValues(req)))
      return refuse(req, res, 400, MESSAGE);
    if (!req.path.startsWith('/oidc/') || req.method !== 'POST') return next();
    if (!req.is(PROVIDER_TYPES)) return next();
    readProviderBody(req, res, (error?: unknown) => {
      if (error) return refuse(req, res, statusOf(error), 'Le corps de la requête est illisible ou trop volumineux.');
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body)) return next();
      const text = body.toString('utf8');
      // Percent-encoded form values are checked decoded; JSON escapes (\u0000, \ud800) once parsed.
      let parsed: unknown = text;
      try {
        parsed = req.is('application/json') ? JSON.parse(text) : [...new URLSearchParams(text)].flat();
      } catch {
        // Malformed JSON: the provider answers it with its own `invalid_request`.
      }
      if (hasForbiddenCharacters(parsed)) return refuse(req, res, 400, MESSAGE);
      next();
    });
  };
}

/**
 * After the platform's body parsers: the parsed query, form and JSON values are checked again (bracketed and nested
 * ones included), and a state-changing request whose body no route accepts is refused (400 without a type, 415 with
 * another one) instead of reaching a controller with no body at all.
 */
export function inputGuardAfterParsers(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/oidc/')) return next();
    if (hasForbiddenCharacters(req.query) || hasForbiddenCharacters(req.body)) return refuse(req, res, 400, MESSAGE);
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) && req.body === undefined) {
      // An API action may have no body at all (`POST …/disable`, `DELETE`); a page's form always has one.
      if (!req.headers['content-type'] && isApiPath(req.path)) return next();
      if (!req.headers['content-type']) return refuse(req, res, 400, 'La requête ne contient pas de formulaire.');
      if (!req.is(ACCEPTED_TYPES))
        return refuse(req, res, 415, 'Le format des données envoyées n’est pas pris en charge.');
    }
    next();
  };
}

/** Errors of the body parsers (malformed JSON, too large, unknown charset): a 4xx page in French, never a 500. */
export function bodyParserErrors() {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    const status = statusOf(error);
    if (status >= 500 || res.headersSent) return next(error);
    const message =
      status === 413 ? 'Les données envoyées sont trop volumineuses.' : 'Le corps de la requête est illisible.';
    refuse(req, res, status, message);
  };
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
}

const TITLES: Record<number, string> = {
  400: 'Requête incorrecte',
  413: 'Envoi trop volumineux',
  415: 'Format non pris en charge',
};

function refuse(req: Request, res: Response, status: number, message: string): void {
  const requestId = requestContext.current()?.requestId ?? String(res.getHeader('x-request-id') ?? '');
  res.status(status);
  if (req.path.startsWith('/oidc/') && !(req.method === 'GET' && req.accepts('html'))) {
    res.json({ error: 'invalid_request', error_description: message });
    return;
  }
  if (isApiPath(req.path)) {
    const code = { 400: 'MALFORMED_REQUEST', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' }[status];
    sendProblem(
      res,
      problemDetails({ status, code: code ?? `HTTP_${status}`, detail: message, instance: req.path, requestId }),
    );
    return;
  }
  if (!req.accepts('html')) {
    res.json({ error: { status, code: `HTTP_${status}`, message, requestId } });
    return;
  }
  res.render(
    'platform/views/error.njk',
    { title: TITLES[status] ?? 'Requête incorrecte', message, status, requestId },
    (error: Error | null, html?: string) => {
      if (error) res.type('text/plain').send(`${message}\nRéférence : ${requestId}`);
      else res.send(html);
    },
  );
}
