import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SubscriptionsService } from '../../src/modules/subscriptions';
import type { CliRuntime } from '../../src/platform/cli/cli-context';
import { CliError } from '../../src/platform/cli/cli-error';
import { subscriptionsCommands } from '../../src/modules/subscriptions';
import type { DatabaseEndpoint } from '../../src/platform/database/database-endpoint';
import { startTestApp, type TestApp } from '../support/test-app';
import { Command } from 'commander';

/**
 * The operators' commands of the subscriptions module, run through commander against the test application (the
 * command line's own plumbing is tested elsewhere): what they print, what they store, and their one-line refusals.
 */
describe('subscriptions commands', () => {
  let app: TestApp;
  let program: () => Command;

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
  });
  after(async () => app.close());

  /** Runs one command; returns what it printed, or the CliError it refused with. */
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

  const count = async (table: string) =>
    (await app.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${table}"`))[0].n;

  describe('products:add and products:list', () => {
    it('stores a product with its sections and clients, and lists it', async () => {
      const added = await run(
        'products:add',
        '--code',
        'dalloz-avocat',
        '--name',
        'Dalloz Avocat',
        '--url',
        'https://avocat.example.fr/',
        '--section',
        'assurances=Assurances',
        '--section',
        'civil=Civil',
        '--section',
        'code-avocat=Code de l’avocat',
        '--client',
        'avocat-web',
      );
      assert.equal(added.error, undefined);
      assert.match(added.out, /Produit enregistré : dalloz-avocat \(Dalloz Avocat\)/);
      const listed = await run('products:list');
      assert.match(
        listed.out,
        /dalloz-avocat {2}Dalloz Avocat {2}https:\/\/avocat\.example\.fr\/ {2}rubriques: assurances,civil,code-avocat {2}clients: avocat-web {2}abonnement exigé/,
      );
    });

    it('refuses bad input with one French line and stores nothing', async () => {
      const before = await count('product');
      for (const [argv, message] of [
        [
          ['--code', 'Mauvais Code', '--name', 'X', '--url', 'https://x.fr'],
          /Code de produit « Mauvais Code » invalide/,
        ],
        [
          ['--code', 'autre', '--name', 'X', '--url', 'pas-une-adresse'],
          /Adresse du produit « pas-une-adresse » invalide/,
        ],
        [
          ['--code', 'autre', '--name', 'X', '--url', 'https://x.fr', '--section', 'civil'],
          /rubrique « civil » invalide/,
        ],
        [['--code', 'dalloz-avocat', '--name', 'X', '--url', 'https://x.fr'], /déjà le code « dalloz-avocat »/],
        [
          ['--code', 'autre', '--name', 'X', '--url', 'https://x.fr', '--client', 'avocat-web'],
          /« avocat-web » appartient déjà/,
        ],
      ] as const) {
        const result = await run('products:add', ...argv);
        assert.match(result.error ?? '', message);
        assert.match(result.error ?? '', /^Erreur : [^\n]+$/);
      }
      assert.equal(await count('product'), before);
    });
  });

  describe('subscriptions:add and subscriptions:list', () => {
    it('stores a subscription on products and sections, and lists it with its seats and mode', async () => {
      const added = await run(
        'subscriptions:add',
        '--subscriber',
        'Cabinet Dupont & Associés',
        '--product',
        'dalloz-avocat:assurances,civil',
        '--seats',
        '5',
        '--start',
        '2026-01-01',
        '--end',
        '2026-12-31',
        '--mode',
        'gestion-administrateur',
      );
      assert.equal(added.error, undefined);
      const id = /Abonnement enregistré : ([0-9a-f-]{36})/.exec(added.out)![1];
      const listed = await run('subscriptions:list');
      assert.ok(
        listed.out.includes(
          `${id}  Cabinet Dupont & Associés  dalloz-avocat:assurances,civil  places: 0/5  du 2026-01-01 au 2026-12-31  mode: gestion par administrateur`,
        ),
        listed.out,
      );
    });

    it('refuses bad input with one French line and stores nothing', async () => {
      const before = await count('subscription');
      const base = ['--subscriber', 'X', '--seats', '2', '--start', '2026-01-01', '--end', '2026-06-30'];
      for (const [argv, message] of [
        [[...base, '--product', 'inconnu', '--mode', 'auto-declaration'], /Produit « inconnu » inconnu/],
        [[...base, '--product', 'dalloz-avocat:penal', '--mode', 'auto-declaration'], /pas de rubrique « penal »/],
        [[...base, '--product', 'dalloz-avocat', '--mode', 'libre'], /mode « libre » inconnu/],
        [
          [
            '--subscriber',
            'X',
            '--seats',
            'deux',
            '--start',
            '2026-01-01',
            '--end',
            '2026-06-30',
            '--product',
            'dalloz-avocat',
            '--mode',
            'sans-compte',
          ],
          /--seats attend un nombre entier \(reçu « deux »\)/,
        ],
        [
          [
            '--subscriber',
            'X',
            '--seats',
            '2',
            '--start',
            '2026-02-30',
            '--end',
            '2026-06-30',
            '--product',
            'dalloz-avocat',
            '--mode',
            'sans-compte',
          ],
          /Date de début « 2026-02-30 » invalide/,
        ],
        [
          [
            '--subscriber',
            'X',
            '--seats',
            '2',
            '--start',
            '2026-07-01',
            '--end',
            '2026-06-30',
            '--product',
            'dalloz-avocat',
            '--mode',
            'sans-compte',
          ],
          /La date de fin précède la date de début/,
        ],
      ] as const) {
        const result = await run('subscriptions:add', ...argv);
        assert.match(result.error ?? '', message);
        assert.match(result.error ?? '', /^Erreur : [^\n]+$/);
      }
      assert.equal(await count('subscription'), before);
    });
  });

  describe('subscriptions:set-mode', () => {
    it('shows the consequences and changes nothing without --confirm; applies and audits with it', async () => {
      const service = app.app.get(SubscriptionsService);
      const subscription = await service.addSubscription({
        subscriber: 'Étude Martin',
        products: [{ code: 'dalloz-avocat' }],
        seats: 3,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'self-declaration',
      });
      const shown = await run('subscriptions:set-mode', subscription.id, 'gestion-administrateur');
      assert.match(shown.out, /Mode « auto-déclaration » → « gestion par administrateur »\./);
      assert.match(shown.out, /aucun administrateur/);
      assert.match(shown.out, /relancez avec --confirm/);
      assert.equal((await service.getSubscription(subscription.id)).accountMode, 'self-declaration');
      assert.equal(
        await app.dataSource
          .query(`SELECT 1 FROM audit_event WHERE action = 'subscriptions.mode.changed' AND target_id = $1`, [
            subscription.id,
          ])
          .then((rows: unknown[]) => rows.length),
        0,
      );

      const applied = await run('subscriptions:set-mode', subscription.id, 'sans-compte', '--confirm');
      assert.match(applied.out, /perdra l’accès aux produits/);
      assert.match(applied.out, /Mode changé : « pas de compte personnel »\./);
      assert.equal((await service.getSubscription(subscription.id)).accountMode, 'no-personal-account');
      const [audit] = await app.dataSource.query<Array<{ actor_type: string; details: Record<string, unknown> }>>(
        `SELECT actor_type, details FROM audit_event WHERE action = 'subscriptions.mode.changed' AND target_id = $1`,
        [subscription.id],
      );
      assert.equal(audit.actor_type, 'operator');
      assert.equal(audit.details.from, 'self-declaration');
      assert.equal(audit.details.to, 'no-personal-account');
      assert.ok(Array.isArray(audit.details.consequences));
    });

    it('refuses an unknown subscription or mode with one French line', async () => {
      assert.match(
        (await run('subscriptions:set-mode', 'nimporte', 'sans-compte')).error ?? '',
        /^Erreur : Abonnement « nimporte » introuvable\.$/,
      );
      assert.match(
        (await run('subscriptions:set-mode', 'd3adbeef-c0de-4fab-bcde-fedcbafedcba', 'sans-compte', '--confirm'))
          .error ?? '',
        /introuvable/,
      );
      assert.match((await run('subscriptions:set-mode', 'x', 'autre')).error ?? '', /mode « autre » inconnu/);
    });
  });

  describe('access-codes:issue', () => {
    it('prints the codes once, writes the printable letter, renews them, and audits', async () => {
      const service = app.app.get(SubscriptionsService);
      const subscription = await service.addSubscription({
        subscriber: 'Cabinet Lettre',
        products: [{ code: 'dalloz-avocat' }],
        seats: 3,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'administrator-managed',
      });
      const first = await run('access-codes:issue', subscription.id);
      assert.equal(first.error, undefined);
      const login = /identifiant : (ABO-\S+)/.exec(first.out)?.[1];
      assert.ok(login, first.out);
      assert.match(first.out, /mot de passe : \S{4}-\S{4}-\S{4}/);
      assert.match(first.out, /« Gestion par Administrateur »/);

      const letter = await run('access-codes:issue', subscription.id, '--letter');
      assert.match(letter.out, /^<!doctype html>/);
      assert.match(letter.out, /Remise de vos codes d’accès/);
      assert.match(letter.out, /Cabinet Lettre/);
      assert.match(letter.out, /seul un Administrateur est à même/i);
      assert.doesNotMatch(letter.out, new RegExp(login), 'renewed: the old login is gone');
      const logins = await app.dataSource.query<Array<{ login: string }>>(
        'SELECT login FROM access_code WHERE subscription_id = $1',
        [subscription.id],
      );
      assert.equal(logins.length, 1);
      assert.ok(letter.out.includes(logins[0].login));
      const audits = await app.dataSource.query<unknown[]>(
        `SELECT 1 FROM audit_event WHERE action = 'subscriptions.access_codes.issued' AND target_id = $1`,
        [subscription.id],
      );
      assert.equal(audits.length, 2);
    });

    it('refuses an unknown subscription or a bad address with one French line', async () => {
      assert.match(
        (await run('access-codes:issue', 'nimporte')).error ?? '',
        /^Erreur : Abonnement « nimporte » introuvable\.$/,
      );
      const [{ id }] = await app.dataSource.query<Array<{ id: string }>>('SELECT id FROM subscription LIMIT 1');
      assert.match((await run('access-codes:issue', id, '--email', 'x')).error ?? '', /^Erreur : Adresse électronique/);
    });
  });

  describe('SubscriptionsService.setMembership', () => {
    it('never exceeds the seats under 20 concurrent additions', async () => {
      const service = app.app.get(SubscriptionsService);
      const subscription = await service.addSubscription({
        subscriber: 'Cabinet Petit',
        products: [{ code: 'dalloz-avocat' }],
        seats: 5,
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        accountMode: 'administrator-managed',
      });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          service.setMembership(subscription.id, `compte-${i}`, [{ productCode: 'dalloz-avocat', role: 'reader' }]),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
      for (const r of results.filter((r) => r.status === 'rejected'))
        assert.match(String(r.reason.message), /Toutes les places de l’abonnement sont prises/);
      assert.equal((await service.getSubscription(subscription.id)).seatsUsed, 5);
    });

    it('refuses a role on a product or section the subscription does not cover', async () => {
      const service = app.app.get(SubscriptionsService);
      const [subscription] = (await service.listSubscriptions()).filter(
        (s) => s.subscriber === 'Cabinet Dupont & Associés',
      );
      await assert.rejects(
        service.setMembership(subscription.id, 'compte-x', [
          { productCode: 'dalloz-avocat', section: 'code-avocat', role: 'reader' },
        ]),
        /La rubrique « code-avocat » n’est pas comprise dans cet abonnement/,
      );
      await assert.rejects(
        service.setMembership(subscription.id, 'compte-x', [{ productCode: 'autre', role: 'reader' }]),
        /« autre » n’est pas compris/,
      );
      assert.equal((await service.getSubscription(subscription.id)).seatsUsed, 0);
    });
  });
});
