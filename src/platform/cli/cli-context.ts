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

/** What a command receives: the configuration, and the application to run its work in. */
export interface CliRuntime {
  config: () => AppConfig;
  withApplication: <T>(
    work: (context: INestApplicationContext, database: DatabaseEndpoint) => Promise<T>,
  ) => Promise<T>;
}

export type ApplicationModule = (options: PlatformOptions) => DynamicModule;

/** Runs `work` inside the whole application (every module and entity), without HTTP and without scheduled jobs. */
export async function withApplication<T>(
  config: AppConfig,
  appModule: ApplicationModule,
  work: (context: INestApplicationContext, database: DatabaseEndpoint) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config);
  try {
    const logger = createLogger({ env: 'production', logLevel: 'warn' });
    const context = await NestFactory.createApplicationContext(
      appModule({ config, database, logger, migrationPolicy: 'ignore', runJobs: false }),
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
