import { Global, Module, type DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import type { Logger } from 'pino';
import { ConfigModule, type AppConfig } from '../config';
import { ApiModule } from './api/api.module';
import { AuditModule } from './audit';
import { DatabaseModule, type MigrationPolicy } from './database/database.module';
import type { DatabaseEndpoint } from './database/database-endpoint';
import { DomainEvents } from './events';
import { ProviderHooks } from './provider-hooks';
import { FirstPartySessionsModule } from './first-party/first-party.module';
import { HealthController } from './health/health.controller';
import { AccessPolicyGuard } from './http/access-policy';
import { createCsrfProtection, CSRF_PROTECTION, CsrfGuard } from './http/csrf';
import { DomainErrorFilter } from './http/domain-error.filter';
import { validationPipe } from './http/validation';
import { ExclusiveJobRunner } from './jobs/exclusive-job.runner';
import { LOGGER } from './logging/logger';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { FileStorage, LocalDiskStorage } from './storage/file-storage';
import { HomeController } from './views/home.controller';
import { LanguageController } from './i18n/language.controller';
import { MenuRegistry } from './views/menus';
import { ConsoleAccountSections } from './views/console-account-sections';
import { HealthRegistry } from './health/health-registry';
import { useHttpsSpaceCookies } from './first-party-clients';

export interface PlatformOptions {
  config: AppConfig;
  database: DatabaseEndpoint;
  logger: Logger;
  migrationPolicy: MigrationPolicy;
  /** Scheduled jobs fire on application instances, not in the command line. */
  runJobs: boolean;
}

/**
 * What every module stands on: configuration, database, logs, audit, jobs, domain events, the OpenID provider's hooks,
 * HTTP policies, health and metrics.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const https = options.config.publicUrl.startsWith('https:');
    useHttpsSpaceCookies(https);
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(options.config),
        DatabaseModule.forRoot(options.database, options.migrationPolicy),
        AuditModule,
        EventEmitterModule.forRoot(),
        FirstPartySessionsModule,
        ApiModule,
        ...(options.runJobs ? [ScheduleModule.forRoot()] : []),
      ],
      controllers: [HomeController, LanguageController, HealthController, MetricsController],
      providers: [
        { provide: LOGGER, useValue: options.logger },
        { provide: CSRF_PROTECTION, useValue: createCsrfProtection({ secretKey: options.config.secretKey, https }) },
        MetricsService,
        ExclusiveJobRunner,
        DomainEvents,
        ProviderHooks,
        MenuRegistry,
        ConsoleAccountSections,
        HealthRegistry,
        { provide: FileStorage, useValue: new LocalDiskStorage(join(options.config.dataDir, 'files')) },
        // Guards run in this order: the access policy first, then CSRF.
        { provide: APP_GUARD, useClass: AccessPolicyGuard },
        { provide: APP_GUARD, useClass: CsrfGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
      ],
      exports: [
        LOGGER,
        CSRF_PROTECTION,
        MetricsService,
        ExclusiveJobRunner,
        FileStorage,
        DomainEvents,
        ProviderHooks,
        MenuRegistry,
        ConsoleAccountSections,
        HealthRegistry,
      ],
    };
  }
}
