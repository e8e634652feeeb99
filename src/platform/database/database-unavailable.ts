/**
 * Whether an error means "the database cannot be reached right now" (server stopped or restarting, network cut,
 * connection lost or timed out), as opposed to a query the database refused. Such errors become 503 responses and a
 * single log line, never a 500 with a stack: they end by themselves when the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || /^(08|57P0[1-3])/.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    // TypeORM keeps the driver's error in `driverError`; others chain with `cause`.
    current = (current as { driverError?: unknown }).driverError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|terminating connection due to administrator command|the database system is (starting up|shutting down)/i;

/** What people read while the database is unreachable (pages, JSON, the provider's pages). */
export const DATABASE_UNAVAILABLE_TITLE = 'Service momentanément indisponible';
export const DATABASE_UNAVAILABLE_MESSAGE = 'Service momentanément indisponible, réessayez dans quelques instants.';
/** Seconds a client should wait before trying again (`Retry-After`). */
export const DATABASE_RETRY_AFTER_S = 5;

const REPORT_EVERY_MS = 30_000;
let lastReport = 0;

/**
 * One warning line per 30 seconds at most, whatever the traffic: every request of an outage fails the same way, and
 * the access log already has a line per request.
 */
export function reportDatabaseUnavailable(
  logger: { warn(object: object, message: string): void },
  error: unknown,
  now = Date.now(),
): void {
  if (now - lastReport < REPORT_EVERY_MS) return;
  lastReport = now;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  logger.warn(
    { code, reason: typeof message === 'string' ? message.split('\n')[0] : undefined },
    'Base de données injoignable : les requêtes reçoivent 503 en attendant son retour',
  );
}
