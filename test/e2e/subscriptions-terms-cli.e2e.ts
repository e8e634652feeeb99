import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { IdentityService } from '../../src/modules/identity';
import { SubscriptionsService, subscriptionsCommands } from '../../src/modules/subscriptions';
import type { CliRuntime } from '../../src/platform/cli/cli-context';
import { CliError } from '../../src/platform/cli/cli-error';
import type { DatabaseEndpoint } from '../../src/platform/database/database-endpoint';
import { startTestApp, type TestApp } from '../support/test-app';

/** `subscriptions:update`: the seats and dates use case of the publisher API, from the command line. */
describe('subscriptions:update', () => {
  let app: TestApp;
  let program: () => Command;
  let id: string;

  before(async () => {
    app = await startTestApp();
    const runtime: CliRuntime = {
      config: () => app.config,
      withApplication: (work) => work(app.app, undefined as unknown as DatabaseEndpoint),
      withDataSource: (work) => work(app.dataSource),
      runningInstance: true,
    };
    program = () => {
      const root = new Command('cli').exitOverride();
      for (const command of subscriptionsCommands(runtime)) root.addCommand(command.exitOverride());
      return root;
    };
    const service = app.app.get(SubscriptionsService);
    await service.addProduct({ code: 'avocat', name: 'avocat.fr', url: 'https://avocat.example.fr/' });
    id = (
      await service.addSubscription({
        subscriber: 'Cabinet Dupont',
        products: [{ code: 'avocat' }],
        seats: 5,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'administrator-managed',
      })
    ).id;
    for (const name of ['louis', 'lea']) {
      const account = await app.app.get(IdentityService).createActiveAccount({
        email: `${name}@example.fr`,
        identifier: name,
        password: 'Chaussette-Volante-7',
        givenName: name,
        familyName: 'Martin',
      });
      await service.setMembership(id, account.id, [{ productCode: 'avocat', role: 'reader' }]);
    }
  });
  after(async () => app.close());

  async function run(...argv: string[]): Promise<{ out: string; error?: string }> {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
    try {
      await program().parseAsync(argv, { from: 'user' });
      return { out: lines.join('\n') };
    } catch (error) {
      if (error instanceof CliError) return { out: lines.join('\n'), error: error.message };
      throw error;
    } finally {
      console.log = log;
    }
  }

  const row = async () =>
    (
      await app.dataSource.query<Array<{ seats: number; starts_on: string; ends_on: string }>>(
        `SELECT seats, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on
           FROM subscription WHERE id = $1`,
        [id],
      )
    )[0];

  it('changes the seats and the end date, audited with the operator as actor', async () => {
    const done = await run('subscriptions:update', id, '--seats', '8', '--end', '2027-06-30');
    assert.equal(done.error, undefined);
    assert.match(done.out, /Abonnement changé : .* \(Cabinet Dupont\)\s+places: 2\/8\s+du 2026-01-01 au 2027-06-30/);
    assert.deepEqual(await row(), { seats: 8, starts_on: '2026-01-01', ends_on: '2027-06-30' });
    const [event] = await app.dataSource.query<Array<{ actor_type: string; details: { after: { seats: number } } }>>(
      `SELECT actor_type, details FROM audit_event WHERE action = 'subscriptions.subscription.changed'`,
    );
    assert.equal(event.actor_type, 'operator');
    assert.equal(event.details.after.seats, 8);
  });

  it('refuses fewer seats than members, bad dates and unknown ids in one French line, changing nothing', async () => {
    const before = await row();
    for (const [argv, message] of [
      [[id, '--seats', '1'], /^Erreur : L’abonnement compte déjà 2 membre\(s\)/],
      [[id, '--seats', 'deux'], /^Erreur : --seats attend un nombre entier/],
      [[id, '--end', '2025-01-01'], /^Erreur : La date de fin précède la date de début\./],
      [[id, '--start', '2026-02-30'], /^Erreur : Date de début « 2026-02-30 » invalide/],
      [[id], /^Erreur : Rien à changer/],
      [['pas-un-id', '--seats', '3'], /^Erreur : Abonnement « pas-un-id » introuvable\./],
    ] as const) {
      const refused = await run('subscriptions:update', ...argv);
      assert.match(refused.error ?? '', message, refused.error);
    }
    assert.deepEqual(await row(), before);
  });
});
