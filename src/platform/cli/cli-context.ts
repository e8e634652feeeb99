import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import type { AppConfig } from '../../config';
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

/** Runs `work` inside the whole application (every module and entity), without HTTP and without scheduled jobs. */
export async function withApplication<T>(
  config: AppConfig,
  work: (context: INestApplicationContext, database: DatabaseEndpoint) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config);
  try {
    const logger = createLogger({ env: 'production', logLevel: 'warn' });
    const context = await NestFactory.createApplicationContext(
      AppModule.forRoot({ config, database, logger, migrationPolicy: 'ignore', runJobs: false }),
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
