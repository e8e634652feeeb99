import { Command } from 'commander';
import type { CliRuntime } from '../../../platform/cli/cli-context';
import { CliError } from '../../../platform/cli/cli-error';
import { IdentityError } from '../identity.errors';
import { IdentityService } from '../identity.service';

/** `users:add`, `users:list`. */
export function identityCommands({ withApplication }: CliRuntime): Command[] {
  const add = new Command('users:add')
    .description('crée un compte actif (adresse vérifiée)')
    .requiredOption('--email <adresse>', 'adresse électronique')
    .requiredOption('--password <mot de passe>', 'mot de passe (8 caractères ou plus)')
    .option('--identifier <identifiant>', 'identifiant de connexion (par défaut : la partie avant @ de l’adresse)')
    .option('--given-name <prénom>', 'prénom')
    .option('--family-name <nom>', 'nom de famille')
    .action(
      async (options: {
        email: string;
        password: string;
        identifier?: string;
        givenName?: string;
        familyName?: string;
      }) => {
        const account = await withApplication(async (context) => {
          try {
            return await context.get(IdentityService).createActiveAccount(options);
          } catch (error) {
            if (error instanceof IdentityError) throw new CliError(error.message);
            throw error;
          }
        });
        console.log(`Compte créé : ${account.id} (identifiant « ${account.identifier} », ${account.email})`);
      },
    );

  const list = new Command('users:list').description('liste les comptes').action(async () => {
    const accounts = await withApplication((context) => context.get(IdentityService).list(1000));
    if (accounts.length === 0) console.log('Aucun compte.');
    for (const a of accounts) {
      const name = [a.givenName, a.familyName].filter(Boolean).join(' ');
      console.log(`${a.id}  ${a.status.padEnd(8)}  ${a.identifier.padEnd(24)}  ${a.email}${name ? `  (${name})` : ''}`);
    }
  });

  return [add, list];
}
