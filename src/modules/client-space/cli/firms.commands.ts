import { Command } from 'commander';
import type { CliRuntime } from '../../../platform/cli/cli-context';
import { CliError } from '../../../platform/cli/cli-error';
import { ClientSpaceError } from '../client-space.errors';
import { FirmsService } from '../firms.service';

const explain = (error: unknown): never => {
  if (error instanceof ClientSpaceError)
    throw new CliError(
      Object.values(error.fields ?? {})
        .flat()
        .join(' ') || error.message,
    );
  throw error;
};

/** `firms:add`, `firms:list`, `firms:staff-add`: the operators create firms and their first staff accounts. */
export function clientSpaceCommands({ withApplication }: CliRuntime): Command[] {
  const add = new Command('firms:add')
    .description('crée un cabinet (espace client de ses clients)')
    .requiredOption('--name <nom>', 'nom du cabinet : « Cabinet Delmas »')
    .option('--payments', 'propose le paiement en ligne des factures')
    .option('--color <#rrvvbb>', 'couleur des pages de ses clients (contraste d’au moins 4,5:1 avec le blanc)')
    .action(async (options: { name: string; payments?: boolean; color?: string }) => {
      const firm = await withApplication((context) =>
        context
          .get(FirmsService)
          .addFirm({ name: options.name, onlinePayment: Boolean(options.payments), primaryColor: options.color })
          .catch(explain),
      );
      console.log(`Cabinet créé : ${firm.id} (${firm.name})${firm.onlinePayment ? ', paiement en ligne proposé' : ''}`);
    });

  const list = new Command('firms:list').description('liste les cabinets').action(async () => {
    const firms = await withApplication((context) => context.get(FirmsService).listFirms());
    if (firms.length === 0) console.log('Aucun cabinet.');
    for (const f of firms) console.log(`${f.id}  ${f.name}${f.onlinePayment ? '  (paiement en ligne)' : ''}`);
  });

  const staff = new Command('firms:staff-add')
    .description('ajoute un membre au cabinet (invité par e-mail s’il n’a pas encore de compte)')
    .requiredOption('--firm <id>', 'identifiant du cabinet (firms:list)')
    .requiredOption('--email <adresse>', 'adresse électronique')
    .requiredOption('--role <rôle>', 'associe, assistant ou lecture')
    .action(async (options: { firm: string; email: string; role: string }) => {
      const member = await withApplication((context) =>
        context.get(FirmsService).addStaff(options.firm, options.email, options.role).catch(explain),
      );
      console.log(`Membre ajouté : ${member.displayName} <${member.email}>, rôle ${member.role}`);
    });

  return [add, list, staff];
}
