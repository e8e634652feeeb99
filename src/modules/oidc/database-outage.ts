import type { Logger } from 'pino';
import type Provider from 'oidc-provider';
import {
  DATABASE_RETRY_AFTER_S,
  DATABASE_UNAVAILABLE_MESSAGE,
  DATABASE_UNAVAILABLE_TITLE,
  isDatabaseUnavailable,
  reportDatabaseUnavailable,
} from '../../platform/database/database-unavailable';
import { renderView } from '../../platform/views/views';

/**
 * The provider's endpoints while the database is unreachable: their spec-shaped `server_error` keeps its shape
 * (OpenID Connect Core §3.1.2.6, RFC 6749 §5.2) but answers 503 with `Retry-After`, and its HTML pages become the
 * platform's « Service momentanément indisponible » page, instead of a 500 that reads like a bug.
 */
export function answerDatabaseOutages(provider: Provider, logger: Logger): void {
  const outages = new WeakSet<object>();
  provider.on('server_error', (ctx: object, error: unknown) => {
    if (isDatabaseUnavailable(error)) {
      outages.add(ctx);
      reportDatabaseUnavailable(logger, error);
    } else {
      // Anything else is a bug: its stack goes to the logs once (the answer shows only `server_error`).
      logger.error({ err: error }, 'Erreur inattendue du fournisseur OpenID');
    }
  });
  provider.use(async (ctx, next) => {
    await next();
    if (!outages.has(ctx)) return;
    ctx.status = 503;
    ctx.set('Retry-After', String(DATABASE_RETRY_AFTER_S));
    if (ctx.type === 'text/html') {
      ctx.body = renderView('platform/views/error.njk', {
        title: DATABASE_UNAVAILABLE_TITLE,
        message: DATABASE_UNAVAILABLE_MESSAGE,
        status: 503,
        requestId: ctx.get('x-request-id') || undefined,
      });
    }
  });
}
