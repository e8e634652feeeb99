import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { Command, CommanderError } from 'commander';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfigFromEnvironment, type AppConfig } from '../../config';
import { StartupError } from '../errors';
import { AppModule } from '../../app.module';
import { withApplication, withDataSource, type CliRuntime } from './cli-context';
import { CliError } from './cli-error';
import { checkArguments, describeUnexpected } from './cli-input';
import { processOutput, withCliOutput, type CliOutput } from './cli-output';
import { forwardToRunningInstance } from './cli-socket';
import type { DatabaseEndpoint } from '../database/database-endpoint';
import { adminCommands } from '../../modules/admin';
import { identityCommands } from '../../modules/identity';
import { notificationsCommands } from '../../modules/notifications';
import { oidcCommands, SigningKeyStore } from '../../modules/oidc';
import { subscriptionsCommands } from '../../modules/subscriptions';
import { teleproceduresCommands } from '../../modules/secondary-accounts';
import { clientSpaceCommands } from '../../modules/client-space';
import { migrationCommands } from './migration.commands';

/**
 * The operators' command line: `npm run cli -- <command>`. Each command prints what it did and exits non-zero with a
 * clear message on bad input. Modules add their commands here as they arrive (DESIGN.md, "Operator command line").
 */
export function buildProgram(runtime: CliRuntime = localRuntime(), output: CliOutput = processOutput): Command {
  const program = new Command('cli')
    .description('Commandes d’exploitation de la plateforme d’identité')
    .helpOption('-h, --help', 'affiche l’aide')
    .helpCommand('help [commande]', 'affiche l’aide d’une commande')
    .showHelpAfterError('(npm run cli -- --help pour la liste des commandes)')
    .configureOutput({
      writeOut: (text) => output.out(text),
      writeErr: (text) => output.err(text),
      outputError: (text, write) => write(translateCommanderError(text)),
    })
    .exitOverride();
  for (const command of [
    ...migrationCommands(runtime),
    ...identityCommands(runtime),
    ...oidcCommands(runtime),
    ...notificationsCommands(runtime),
    ...adminCommands(runtime),
    ...subscriptionsCommands(runtime),
    ...teleproceduresCommands(runtime),
    ...clientSpaceCommands(runtime),
  ]) {
    // Commands added this way do not inherit the program's output and error settings by themselves.
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/** The command line runs the command itself: it opens the database for it, and closes it after. */
function localRuntime(): CliRuntime {
  const config = () => loadConfigFromEnvironment().config;
  return {
    config,
    withApplication: (work) =>
      withApplication(
        config(),
        (options) => AppModule.forRoot(options),
        async (context, database) => {
          // As a first start would: the provider's keys exist before any command needs them.
          if (database.embedded) await context.get(SigningKeyStore).ensureKeys();
          return work(context, database);
        },
      ),
    withDataSource: (work) => withDataSource(config(), work),
    runningInstance: false,
  };
}

/** The running instance carries the command out, in its own application (see `cli-socket.ts`). */
export function runningInstanceRuntime(
  config: AppConfig,
  app: INestApplicationContext,
  database: DatabaseEndpoint,
): CliRuntime {
  return {
    config: () => config,
    withApplication: (work) => work(app, database),
    withDataSource: (work) => work(app.get(DataSource)),
    runningInstance: true,
  };
}

function translateCommanderError(text: string): string {
  return text
    .replace(/^error: unknown command '(.*)'/m, 'Erreur : commande inconnue « $1 »')
    .replace(/^error: unknown option '(.*)'/m, 'Erreur : option inconnue « $1 »')
    .replace(/^error: missing required argument '(.*)'/m, 'Erreur : argument obligatoire manquant « $1 »')
    .replace(/^error: required option '(.*)' not specified/m, 'Erreur : option obligatoire manquante « $1 »')
    .replace(/^error: option '(.*)' argument missing/m, 'Erreur : l’option « $1 » attend une valeur')
    .replace(/^error: too many arguments.*/m, 'Erreur : trop d’arguments');
}

/** Runs one command and returns its exit code; every refusal is one French line on the error output, never a stack. */
export async function runCli(argv: string[], runtime?: CliRuntime, output: CliOutput = processOutput): Promise<number> {
  const refused = checkArguments(argv);
  if (refused) {
    output.err(`${refused}\n`);
    return 1;
  }
  return withCliOutput(output, async () => {
    try {
      await buildProgram(runtime, output).parseAsync(argv, { from: 'user' });
      return 0;
    } catch (error) {
      if (error instanceof CommanderError) {
        // --help and --version end here too, with exit code 0.
        return error.exitCode;
      }
      if (error instanceof ConfigError || error instanceof StartupError || error instanceof CliError) {
        output.err(`${error.message}\n`);
        return 1;
      }
      output.err(`${describeUnexpected(error)}\n`);
      return 1;
    }
  });
}

/**
 * On the embedded database, a platform running on the same `DATA_DIR` holds the database: the command goes to it.
 * Otherwise (nothing runs there, or a PostgreSQL server) the command line runs it itself.
 */
async function main(argv: string[]): Promise<number> {
  let config: AppConfig;
  try {
    config = loadConfigFromEnvironment().config;
  } catch (error) {
    processOutput.err(`${error instanceof ConfigError ? error.message : describeUnexpected(error)}\n`);
    return 1;
  }
  if (config.database.url === undefined) {
    const forwarded = await forwardToRunningInstance(config.dataDir, argv, processOutput);
    if (forwarded !== undefined) return forwarded;
  }
  return runCli(argv);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Let the streams drain; a stray handle must not keep the command line alive.
    setTimeout(() => process.exit(code), 50).unref();
  });
}
