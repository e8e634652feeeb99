import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { AppConfig } from '../../config';
import { requestContext } from '../http/request-context';

/**
 * The process's logger: JSON lines in production (and tests), readable lines in development. Every line written
 * during an HTTP request carries its `reqId`. Secrets never reach the logs: the paths below are censored, URLs are
 * logged without their query string, and the code logs account ids, never e-mail addresses.
 */
export function createLogger(
  config: Pick<AppConfig, 'env' | 'logLevel'>,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'plateforme-identite' },
    serializers: { err: serializeError, error: serializeError },
    mixin: () => {
      const context = requestContext.current();
      return context ? { reqId: context.requestId } : {};
    },
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
        '*.password',
        '*.secret',
        '*.token',
      ],
      censor: '[masqué]',
    },
    transport:
      config.env === 'development' && !destination
        ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } }
        : undefined,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * What an error may carry that must not reach the logs: the values of a failed query (TypeORM's `parameters`: an
 * e-mail, a phone number, a password hash...), PostgreSQL's `detail` (« Key (email)=(…) already exists ») and the
 * failing row (`where`, `internalQuery` are kept: they hold SQL, not values).
 */
const PERSONAL_ERROR_FIELDS = new Set(['parameters', 'detail', 'values', 'row']);

/** pino's error serializer, without the fields above, at any depth (`driverError`, `cause`). */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return scrub(pino.stdSerializers.err(error), 0);
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) value = pino.stdSerializers.err(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    out[key] = PERSONAL_ERROR_FIELDS.has(key) ? '[masqué]' : scrub(field, depth + 1);
  }
  return out;
}

// Nest's start-up chatter (one line per module and route) is kept for debugging, not for every start.
const CHATTY_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Nest's own messages (module init, routes, errors of the framework) through the same logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context && CHATTY_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, stack: trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

/** Injection token of the pino logger. */
export const LOGGER = Symbol('LOGGER');
