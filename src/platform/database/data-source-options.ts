import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';
import type { DatabaseEndpoint } from './database-endpoint';
import { statementCountingLogger } from './statement-counter';

/** The TypeORM options shared by the application, the command line and the test harness. */
export function dataSourceOptions(endpoint: Pick<DatabaseEndpoint, 'url' | 'poolSize'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: endpoint.url,
    migrations,
    migrationsTableName: 'migrations',
    // Each migration in its own transaction: a failure leaves the ones before it applied, and says which one failed.
    migrationsTransactionMode: 'each',
    // The schema comes from the migrations only (STYLE.md).
    synchronize: false,
    logging: false,
    // Counts the statements (metrics, tests, bench); prints nothing.
    logger: statementCountingLogger,
    // gen_random_uuid() is built into PostgreSQL 13+ (and PGlite): no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: { max: endpoint.poolSize, connectionTimeoutMillis: 10_000, application_name: 'plateforme-identite' },
  };
}
