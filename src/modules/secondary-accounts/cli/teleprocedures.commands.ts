import { Command } from 'commander';
import type { CliRuntime } from '../../../platform/cli/cli-context';
import { CliError } from '../../../platform/cli/cli-error';
import { SecondaryAccountsError } from '../secondary-accounts.errors';
import { Teleprocedures } from '../teleprocedures.service';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `teleprocedures:add`, `teleprocedures:list`: the catalogue company accounts subscribe to. */
export function teleproceduresCommands({ withApplication }: CliRuntime): Command[] {
  const add = new Command('teleprocedures:add')
    .description('ajoute une téléprocédure au catalogue (ou met à jour celle qui a ce code)')
    .requiredOption('--code <code>', 'code de la téléprocédure : DADS-U')
    .requiredOption('--description <texte>', 'description : « Déclaration Annuelle des Données Sociales Unifiées »')
    .option(
      '--recipient <destinataire>',
      'destinataire (répétable) : --recipient CNAV --recipient "AGIRC / ARRCO"',
      collect,
    )
    .option('--document-type <type>', 'type de document proposé (répétable)', collect)
    .action(async (options: { code: string; description: string; recipient?: string[]; documentType?: string[] }) => {
      const added = await withApplication(async (context) => {
        try {
          return await context.get(Teleprocedures).add({
            code: options.code,
            description: options.description,
            recipients: options.recipient,
            documentTypes: options.documentType,
          });
        } catch (error) {
          if (error instanceof SecondaryAccountsError)
            throw new CliError(
              Object.values(error.fields ?? {})
                .flat()
                .join(' ') || error.message,
            );
          throw error;
        }
      });
      console.log(`Téléprocédure enregistrée : ${added.code} (${added.description})`);
    });

  const list = new Command('teleprocedures:list')
    .description('liste le catalogue des téléprocédures')
    .action(async () => {
      const all = await withApplication((context) => context.get(Teleprocedures).list());
      if (all.length === 0) console.log('Aucune téléprocédure.');
      for (const t of all) {
        const recipients = t.recipients.length ? `  → ${t.recipients.join(', ')}` : '';
        console.log(`${t.code.padEnd(12)}  ${t.description}${recipients}`);
      }
    });

  return [add, list];
}
