import { Command } from 'commander';
import type { CliRuntime } from '../../../platform/cli/cli-context';
import { CliError } from '../../../platform/cli/cli-error';
import { AdminError } from '../admin.errors';
import { OperatorsService } from '../operators.service';

/** `operators:add`, `operators:list`, `operators:remove`. */
export function adminCommands({ withApplication }: CliRuntime): Command[] {
  const run = <T>(work: (operators: OperatorsService) => Promise<T>) =>
    withApplication(async (context) => {
      try {
        return await work(context.get(OperatorsService));
      } catch (error) {
        if (error instanceof AdminError) throw new CliError(error.message);
        throw error;
      }
    });

  const add = new Command('operators:add')
    .description('donne à un compte existant un rôle dans la console (ou change son rôle)')
    .requiredOption('--email <adresse>', 'adresse électronique (ou identifiant) du compte')
    .requiredOption('--role <rôle>', 'super-admin, support ou lecture')
    .action(async (options: { email: string; role: string }) => {
      const operator = await run((operators) => operators.add(options.email, options.role));
      console.log(
        `Opérateur : ${operator.accountId} (${operator.account?.email ?? options.email}), rôle ${operator.role}`,
      );
    });

  const list = new Command('operators:list').description('liste les opérateurs').action(async () => {
    const all = await run((operators) => operators.list());
    if (all.length === 0) console.log('Aucun opérateur.');
    for (const o of all)
      console.log(`${o.accountId}  ${o.role.padEnd(11)}  ${o.account?.email ?? '(compte supprimé)'}`);
  });

  const remove = new Command('operators:remove')
    .description('retire son rôle d’opérateur à un compte')
    .argument('<adresse>', 'adresse électronique (ou identifiant) du compte')
    .action(async (login: string) => {
      const account = await run((operators) => operators.remove(login));
      console.log(`Ce compte n’est plus opérateur : ${account.id} (${account.email})`);
    });

  return [add, list, remove];
}
