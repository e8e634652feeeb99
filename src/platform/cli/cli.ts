import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfigFromEnvironment } from '../../config';
import { StartupError } from '../errors';
import { AppModule } from '../../app.module';
import { withApplication, type CliRuntime } from './cli-context';
import { CliError } from './cli-error';
import { identityCommands } from '../../modules/identity';
import { notificationsCommands } from '../../modules/notifications';
import { oidcCommands } from '../../modules/oidc';
import { teleproceduresCommands } from '../../modules/secondary-accounts';
import { migrationCommands } from './migration.commands';

/**
 * The operators' command line: `npm run cli -- <command>`. Each command prints what it did and exits non-zero with a
 * clear message on bad input. Modules add their commands here as they arrive (DESIGN.md, "Operator command line").
 */
export function buildProgram(): Command {
  const program = new Command('cli')
    .description('Commandes d’exploitation de la plateforme d’identité')
    .helpOption('-h, --help', 'affiche l’aide')
    .helpCommand('help [commande]', 'affiche l’aide d’une commande')
    .showHelpAfterError('(npm run cli -- --help pour la liste des commandes)')
    .configureOutput({ outputError: (text, write) => write(translateCommanderError(text)) })
    .exitOverride();
  const config = () => loadConfigFromEnvironment().config;
  const runtime: CliRuntime = {
    config,
    withApplication: (work) => withApplication(config(), (options) => AppModule.forRoot(options), work),
  };
  for (const command of [
    ...migrationCommands(runtime),
    ...identityCommands(runtime),
    ...oidcCommands(runtime),
    ...notificationsCommands(runtime),
    ...teleproceduresCommands(runtime),
  ])
    program.addCommand(command);
  return program;
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

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode;
    }
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    process.stderr.write(`Échec inattendu : ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
