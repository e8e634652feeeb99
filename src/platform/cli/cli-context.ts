import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config';
import type { PlatformOptions } from '../platform.module';
import { openDatabase, type DatabaseEndpoint } from '../database/database-endpoint';
import { dataSourceOptions } from '../database/data-source-options';
import { createLogger } from '../logging/logger';

/** Runs `work` with a bare connection (enough for migrations), then closes everything. */
export async function withDataSource<T>(config: AppConfig, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const database = await openDatabase(config);
  try {
    const dataSource = await new DataSource(dataSourceOptions(database)).initialize();
    try {
      return await work(dataSource);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await database.close();
  }
}

/**
 * What a command receives: the configuration, and the application (or bare connection) to run its work in. Run by
 * the command line itself, they open the database for the command; run by the platform's running instance (see
 * `cli-socket.ts`), they are that instance's own.
 */
export interface CliRuntime {
  config: () => AppConfig;
  withApplication: <T>(
    work: (context: INestApplicationContext, database: DatabaseEndpoint) => Promise<T>,
  ) => Promise<T>;
  withDataSource: <T>(work: (dataSource: DataSource) => Promise<T>) => Promise<T>;
  /** The running instance carries the command out: its database is open, its HTTP server and jobs run. */
  runningInstance: boolean;
}

export type ApplicationModule = (options: PlatformOptions) => DynamicModule;

/**
 * Runs `work` inside the whole application (every module and entity), without HTTP and without scheduled jobs. On the
 * embedded database, pending migrations are applied first, as `npm start` does: a command may be the first thing ever
 * run on a new `DATA_DIR`. On a server, `migrate` stays an explicit step.
 */
export async function withApplication<T>(
  config: AppConfig,
  appModule: ApplicationModule,
  work: (context: INestApplicationContext, database: DatabaseEndpoint) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config);
  try {
    const logger = createLogger({ env: 'production', logLevel: 'warn' });
    const context = await NestFactory.createApplicationContext(
      appModule({
        config,
        database,
        logger,
        migrationPolicy: database.embedded ? 'apply' : 'ignore',
        runJobs: false,
      }),
      { logger: ['error', 'warn'], abortOnError: false },
    );
    try {
      return await work(context, database);
    } finally {
      await context.close();
    }
  } finally {
    await database.close();
  }
}
