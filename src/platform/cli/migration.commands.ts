import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { projectRoot } from '../views/views';
import type { CliRuntime } from './cli-context';
import { CliError } from './cli-error';

/** `migrate`, `migrate:revert`, `migration:generate`, `schema:check`. */
export function migrationCommands({ withApplication, withDataSource, runningInstance }: CliRuntime): Command[] {
  const migrate = new Command('migrate').description('applique les migrations en attente').action(async () => {
    await withDataSource(async (dataSource) => {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length === 0) console.log('Aucune migration en attente : la base est à jour.');
      for (const migration of applied) console.log(`Appliquée : ${migration.name}`);
    });
  });

  const revert = new Command('migrate:revert')
    .description('annule la dernière migration appliquée (ou toutes, avec --all)')
    .option('--all', 'annule toutes les migrations, jusqu’à la base vide')
    .action(async (options: { all?: boolean }) => {
      if (runningInstance) {
        throw new CliError(
          'La plateforme est en marche sur ce dossier de données : arrêtez-la avant d’annuler des migrations.',
        );
      }
      await withDataSource(async (dataSource) => {
        let reverted = 0;
        do {
          const before = await appliedCount(dataSource);
          if (before === 0) break;
          await dataSource.undoLastMigration({ transaction: 'each' });
          reverted++;
        } while (options.all);
        console.log(reverted === 0 ? 'Aucune migration à annuler.' : `${reverted} migration(s) annulée(s).`);
      });
    });

  const generate = new Command('migration:generate')
    .description('écrit dans migrations/ la migration qui amène la base au niveau des entités')
    .argument('<nom>', 'module et objet, en kebab-case : identity-account-status')
    .action(async (name: string) => {
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(name)) {
        throw new CliError('Le nom doit être en kebab-case et commencer par le module : identity-account-status');
      }
      const file = await withApplication(async (context) => {
        const dataSource = context.get(DataSource);
        const { upQueries, downQueries } = await dataSource.driver.createSchemaBuilder().log();
        if (upQueries.length === 0) throw new CliError('Rien à générer : les entités et la base concordent.');
        return writeMigration(name, upQueries, downQueries);
      });
      console.log(`Écrite : ${file} (ajoutée à migrations/index.ts). Relisez-la et rangez-la avant de la valider.`);
    });

  const check = new Command('schema:check')
    .description('échoue si les entités et les migrations ne concordent pas')
    .action(async () => {
      const pending = await withApplication(async (context) => {
        const dataSource = context.get(DataSource);
        if (await dataSource.showMigrations()) {
          throw new CliError('Des migrations ne sont pas appliquées : lancez d’abord `npm run cli -- migrate`.');
        }
        return (await dataSource.driver.createSchemaBuilder().log()).upQueries;
      });
      if (pending.length > 0) {
        throw new CliError(
          `Les entités et les migrations ne concordent pas ; il manque :\n${pending.map((q) => `  ${q.query};`).join('\n')}`,
        );
      }
      console.log('Les entités et les migrations concordent.');
    });

  return [migrate, revert, generate, check];
}

async function appliedCount(dataSource: DataSource): Promise<number> {
  const rows: Array<{ count: string }> = await dataSource.query(
    `SELECT count(*) AS count FROM information_schema.tables WHERE table_name = 'migrations'`,
  );
  if (rows[0]?.count === '0') return 0;
  const applied: Array<{ count: string }> = await dataSource.query('SELECT count(*) AS count FROM "migrations"');
  return Number(applied[0]?.count ?? 0);
}

interface Query {
  query: string;
}

function writeMigration(name: string, up: Query[], down: Query[]): string {
  const timestamp = Date.now();
  const className = `${name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase())}${timestamp}`;
  const render = (queries: Query[]) =>
    queries.map((q) => `    await queryRunner.query(\`${q.query.replace(/`/g, '\\`')}\`);`).join('\n');
  const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${render(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${render([...down].reverse())}
  }
}
`;
  const root = projectRoot();
  const fileName = `${timestamp}-${name}`;
  writeFileSync(join(root, 'migrations', `${fileName}.ts`), source);
  const indexFile = join(root, 'migrations', 'index.ts');
  const index = readFileSync(indexFile, 'utf8')
    .replace(/(\nexport const migrations)/, `import { ${className} } from './${fileName}';\n$1`)
    .replace(/export const migrations = \[([^\]]*)\];/, (_m, list: string) => {
      const items = list.trim().replace(/,\s*$/, '');
      return `export const migrations = [${items ? `${items}, ` : ''}${className}];`;
    });
  writeFileSync(indexFile, index);
  return `migrations/${fileName}.ts`;
}
