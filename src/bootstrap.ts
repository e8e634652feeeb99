import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { type Request } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { OutboxWorker } from './modules/notifications';
import { InteractionLifetime, OidcProviderService } from './modules/oidc';
import type { AppConfig } from './config';
import type { DatabaseEndpoint } from './platform/database/database-endpoint';
import type { MigrationPolicy } from './platform/database/database.module';
import { CSRF_PROTECTION, type CsrfProtection } from './platform/http/csrf';
import { WEBHOOK_PATH_PREFIX, type RequestWithRawBody } from './platform/payments/payments-webhook.controller';
import { bodyParserErrors, inputGuardAfterParsers, inputGuardBeforeProvider } from './platform/http/input-guard';
import { noStoreForPersonalData } from './platform/http/no-store';
import { requestIdMiddleware } from './platform/http/request-id.middleware';
import { securityHeaders } from './platform/http/security-headers';
import { NestPinoLogger } from './platform/logging/logger';
import { MetricsService } from './platform/metrics/metrics.service';
import { configureViews } from './platform/views/views';
import { localeMiddleware } from './platform/i18n/locale.middleware';

export interface ApplicationOptions {
  config: AppConfig;
  database: DatabaseEndpoint;
  logger: Logger;
  runJobs?: boolean;
  /** Modules mounted beside the platform's own (see `AppModule.forRoot`). */
  extraModules?: Type[];
}

/** The embedded database, and any database outside production, is migrated at start; production on a server is not. */
export function migrationPolicyFor(config: AppConfig, database: DatabaseEndpoint): MigrationPolicy {
  return database.embedded || !config.isProduction ? 'apply' : 'require-current';
}

const QUIET_PATHS = /^\/(dsfr|assets)\/|^\/(health|metrics)(\/|$)/;

/**
 * Builds the whole HTTP application, ready to listen: used by `main.ts`, the tests and the benchmarks alike, so that
 * they all run the same middleware in the same order.
 */
export async function createApplication(options: ApplicationOptions): Promise<NestExpressApplication> {
  const { config, database, logger } = options;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(
      {
        config,
        database,
        logger,
        migrationPolicy: migrationPolicyFor(config, database),
        runJobs: options.runJobs ?? true,
      },
      options.extraModules,
    ),
    // Body parsers come below, after the OpenID provider's mount point, which parses its own bodies.
    { bodyParser: false, logger: new NestPinoLogger(logger), abortOnError: false },
  );

  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (req as unknown as Request & { id: string }).id,
      autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
      // 503: the database is away (reported once by the error filter), not a bug of this request.
      customLogLevel: (_req, res, error) =>
        res.statusCode === 503 ? 'warn' : error || res.statusCode >= 500 ? 'error' : 'info',
      // pino-http invents an error with a meaningless stack for any 5xx: the real one is logged by the error filter.
      customErrorObject: (_req, _res, error, value: Record<string, unknown>) =>
        error.message.startsWith('failed with status code') ? { ...value, err: undefined } : value,
      // The URL without its query string: codes, tokens and states travel there.
      serializers: {
        req: (req: { method: string; url: string; remoteAddress?: string }) => ({
          method: req.method,
          path: req.url.split('?')[0],
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(app.get(MetricsService).middleware);
  app.use(
    securityHeaders({
      https: config.publicUrl.startsWith('https:'),
      formActionOrigins: config.franceconnect ? [new URL(config.franceconnect.issuer).origin] : [],
    }),
  );
  app.use(noStoreForPersonalData);
  app.use(inputGuardBeforeProvider());
  app.use(localeMiddleware);
  // The OpenID provider parses its own bodies: it is mounted before the body parsers (and built after `init()`).
  const oidc = app.get(OidcProviderService);
  app.use('/oidc/auth', app.get(InteractionLifetime).capPerAddress);
  app.use('/oidc', oidc.callback);
  configureViews(app, config);
  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  // The payment webhooks keep their raw body: the provider's signature is computed over the bytes as sent.
  app.use(
    express.json({
      limit: '1mb',
      verify: (req: RequestWithRawBody, _res, body) => {
        if (req.url?.startsWith(WEBHOOK_PATH_PREFIX)) req.rawBody = body;
      },
    }),
  );
  app.use(bodyParserErrors());
  app.use(inputGuardAfterParsers());
  // Again: a body read from the socket may have lost the language's asynchronous context.
  app.use(localeMiddleware);
  app.use(app.get<CsrfProtection>(CSRF_PROTECTION).middleware);
  await app.init();
  // After the modules' onModuleInit(), where they register their provider hooks (access checks, claims).
  await oidc.start();
  if (options.runJobs ?? true) {
    oidc.followKeyChanges();
    app.get(OutboxWorker).start();
  }
  return app;
}
