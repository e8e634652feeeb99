import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StartupError } from '../errors/startup-error';
import { DATABASE_ENDPOINT, type DatabaseEndpoint } from './database-endpoint';
import { DatabaseNotifications } from './database-notifications';
import { dataSourceOptions } from './data-source-options';

/**
 * What the application does with pending migrations when it starts:
 * - `apply`: applies them (embedded database, and any database outside production);
 * - `require-current`: refuses to start while some are pending (production on a server: `npm run cli -- migrate`);
 * - `ignore`: neither (the command line, whose `migrate` command does it explicitly).
 */
export type MigrationPolicy = 'apply' | 'require-current' | 'ignore';

@Module({})
export class DatabaseModule {
  static forRoot(endpoint: DatabaseEndpoint, migrationPolicy: MigrationPolicy): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(endpoint),
            autoLoadEntities: true,
            // Fail at once: the endpoint was checked before, and retries would print stack traces.
            toRetry: () => false,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await applyMigrationPolicy(dataSource, migrationPolicy);
            return dataSource;
          },
        }),
      ],
      providers: [{ provide: DATABASE_ENDPOINT, useValue: endpoint }, DatabaseNotifications],
      exports: [DATABASE_ENDPOINT, DatabaseNotifications],
    };
  }
}

async function applyMigrationPolicy(dataSource: DataSource, policy: MigrationPolicy): Promise<void> {
  if (policy === 'apply') {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) {
      new Logger('Database').log(`Migrations appliquées : ${applied.map((m) => m.name).join(', ')}`);
    }
  } else if (policy === 'require-current' && (await dataSource.showMigrations())) {
    await dataSource.destroy();
    throw new StartupError(
      'La base de données n’est pas à jour : des migrations sont en attente. Appliquez-les avec `npm run cli -- migrate`, puis relancez la plateforme.',
    );
  }
}
