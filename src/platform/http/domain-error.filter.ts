import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import {
  DATABASE_RETRY_AFTER_S,
  DATABASE_UNAVAILABLE_MESSAGE,
  DATABASE_UNAVAILABLE_TITLE,
  isDatabaseUnavailable,
  reportDatabaseUnavailable,
} from '../database/database-unavailable';
import { ApiCatalog } from '../api/api-catalog';
import { isApiPath, problemDetails, sendProblem } from '../api/problem-details';
import { CONCURRENT_WRITE_MESSAGE, isConcurrentWrite } from '../database/concurrent-write';
import { DomainError, type ErrorKind, type FieldErrors } from '../errors';
import { LOGGER } from '../logging/logger';
import { SignInRequired } from './access-policy';
import { requestContext } from './request-context';
import { currentLocale, hasMessage, translate } from '../i18n/i18n';

const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const titles: Record<number, string> = {
  400: 'Requête incorrecte',
  401: 'Connexion requise',
  403: 'Accès refusé',
  404: 'Page introuvable',
  405: 'Méthode non autorisée',
  409: 'Action impossible',
  413: 'Envoi trop volumineux',
  415: 'Format non pris en charge',
  429: 'Trop de tentatives',
  500: 'Erreur inattendue',
  503: 'Service indisponible',
};

const genericMessages: Record<number, string> = {
  400: 'La requête envoyée est incorrecte.',
  404: 'La page que vous cherchez est introuvable. Elle a peut-être été déplacée ou supprimée.',
  405: 'Cette action n’est pas possible sur cette page.',
  413: 'Les données envoyées sont trop volumineuses.',
  415: 'Le format des données envoyées n’est pas pris en charge.',
  500: 'Une erreur inattendue est survenue. Réessayez dans quelques instants ; si elle persiste, contactez le support en donnant la référence ci-dessous.',
  503: 'Le service est momentanément indisponible. Réessayez dans quelques instants.',
};

/** The database cannot be reached: a 503 that tells people to try again shortly, whatever the page or form. */
const databaseUnavailable: Problem = {
  status: 503,
  code: 'SERVICE_UNAVAILABLE',
  message: DATABASE_UNAVAILABLE_MESSAGE,
};

interface Problem {
  status: number;
  code: string;
  message: string;
  fields?: FieldErrors;
}

/**
 * The one place where errors become HTTP responses: JSON under `/api`, a French error page elsewhere. Domain errors
 * keep their French message; anything unknown becomes a 500 that shows only the request id, and is logged once with
 * its stack.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly apiCatalog: ApiCatalog,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const outage = isDatabaseUnavailable(error);
    const problem = outage ? databaseUnavailable : this.toProblem(error);
    if (outage) reportDatabaseUnavailable(this.logger, error);
    else if (problem.status >= 500) this.logger.error({ err: error }, 'Erreur inattendue');
    if (res.headersSent) return;
    if (outage) res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_S));

    const requestId = requestContext.current()?.requestId ?? String(res.getHeader('x-request-id') ?? '');
    if (isApiPath(req.path)) return this.sendApiProblem(req, res, error, problem, requestId);
    const json = req.path.startsWith('/api/') || !req.accepts('html');
    // A signed-out page request goes to its space's sign-in, which brings the person back (access-policy.ts).
    if (error instanceof SignInRequired && !json) return res.redirect(303, error.signInUrl);
    if (json) {
      // A page's script asking for JSON: the message in the page's language, like the error page's.
      res.status(problem.status).json({ error: { ...problem, message: pageMessage(problem), requestId } });
      return;
    }
    res.status(problem.status).render(
      'platform/views/error.njk',
      {
        title: pageText(
          `errors:titles.${outage ? 'outage' : problem.status}`,
          outage ? DATABASE_UNAVAILABLE_TITLE : (titles[problem.status] ?? 'Erreur'),
        ),
        message: pageMessage(problem),
        status: problem.status,
        requestId,
      },
      (renderError: Error | null, html?: string) => {
        if (renderError) {
          this.logger.error({ err: renderError }, 'La page d’erreur n’a pas pu être affichée');
          res.type('text/plain').send(`${problem.message}\nRéférence : ${requestId}`);
          return;
        }
        res.send(html);
      },
    );
  }

  /**
   * Under `/api`: problem details (RFC 9457), in French, never an HTML page. A path that exists with other methods
   * gets 405 and `Allow` rather than 404.
   */
  private sendApiProblem(req: Request, res: Response, error: unknown, problem: Problem, requestId: string): void {
    let { status, code, message } = problem;
    if (status === 404 && !(error instanceof DomainError)) {
      const allowed = this.apiCatalog.allowedMethods(req.path);
      if (allowed.length > 0 && !allowed.includes(req.method)) {
        res.setHeader('Allow', allowed.join(', '));
        status = 405;
        code = 'METHOD_NOT_ALLOWED';
        message = `Cette adresse n’accepte pas la méthode ${req.method} (méthodes possibles : ${allowed.join(', ')}).`;
      } else {
        message = 'Aucune ressource à cette adresse.';
      }
    }
    sendProblem(
      res,
      problemDetails({ status, code, detail: message, instance: req.path, requestId, fields: problem.fields }),
    );
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof DomainError) {
      return { status: statusOfKind[error.kind], code: error.code, message: error.message, fields: error.fields };
    }
    // A write lost to a concurrent one (unique constraint, serialization, deadlock): a 409 to retry, not a 500.
    if (isConcurrentWrite(error)) return { status: 409, code: 'CONCURRENT_CHANGE', message: CONCURRENT_WRITE_MESSAGE };
    const status = error instanceof HttpException ? error.getStatus() : (clientErrorStatus(error) ?? 500);
    if (status >= 500) return { status, code: 'INTERNAL_ERROR', message: genericMessages[500] };
    return {
      status,
      code: status === 404 ? 'NOT_FOUND' : `HTTP_${status}`,
      message: genericMessages[status] ?? genericMessages[400],
    };
  }
}

/**
 * A page's text in the request's language: the catalogue's translation of `key` when the French text is the
 * catalogue's French (a message built with values, or one the catalogue does not know, stays as it is).
 */
function pageText(key: string, french: string): string {
  const locale = currentLocale();
  if (locale === 'fr' || !hasMessage('fr', key) || translate('fr', key) !== french || !hasMessage(locale, key))
    return french;
  return translate(locale, key);
}

/** An error page's message: by its code (domain errors), else by its status (generic messages). */
function pageMessage(problem: Problem): string {
  const byCode = pageText(`errors:codes.${problem.code}`, problem.message);
  if (byCode !== problem.message) return byCode;
  if (problem.message === DATABASE_UNAVAILABLE_MESSAGE) return pageText('errors:outage', problem.message);
  if (problem.message === CONCURRENT_WRITE_MESSAGE) return pageText('errors:concurrentWrite', problem.message);
  return pageText(`errors:generic.${problem.status}`, problem.message);
}

/** Errors of Express middleware (body parser: malformed JSON, body too large) carry a 4xx `status`. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
