import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminCommands, OperatorsService } from '../../src/modules/admin';
import type { CliRuntime } from '../../src/platform/cli/cli-context';
import { CliError } from '../../src/platform/cli/cli-error';
import { ADMIN_PASSWORD, makeAccount, signInToConsole } from '../support/admin';
import { HttpBrowser } from '../support/http-browser';
import { routeInventory } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

describe('AdminModule: operators and the console space', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());

  /** `npm run cli -- <command>`, run in this test's application; returns what it printed. */
  async function cli(...args: string[]): Promise<string> {
    const runtime: CliRuntime = {
      config: () => app.config,
      withApplication: (work) => work(app.app, undefined as never),
      withDataSource: (work) => work(app.dataSource),
      runningInstance: true,
    };
    const commands = adminCommands(runtime);
    const command = commands.find((c) => c.name() === args[0]);
    assert.ok(command, args[0]);
    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => printed.push(line);
    try {
      await command.parseAsync(args.slice(1), { from: 'user' });
    } finally {
      console.log = log;
    }
    return printed.join('\n');
  }

  describe('operators:add, operators:list, operators:remove', () => {
    it('gives an existing account a role, lists it, changes it, removes it, each audited with before/after', async () => {
      const account = await makeAccount(app, 'claire.cli');
      assert.match(await cli('operators:add', '--email', account.email, '--role', 'support'), /rôle support/);
      assert.match(await cli('operators:list'), new RegExp(`${account.id}\\s+support\\s+${account.email}`));
      await cli('operators:add', '--email', account.email, '--role', 'lecture');
      assert.equal(await app.app.get(OperatorsService).roleOf(account.id), 'lecture');
      assert.match(await cli('operators:remove', account.email), /n’est plus opérateur/);
      assert.equal(await app.app.get(OperatorsService).roleOf(account.id), undefined);
      const events = await app.dataSource.query<Array<{ action: string; details: Record<string, unknown> }>>(
        `SELECT action, details FROM audit_event WHERE target_id = $1 AND action LIKE 'admin.operator.%' ORDER BY id`,
        [account.id],
      );
      assert.deepEqual(
        events.map((e) => [e.action, e.details.before, e.details.after]),
        [
          ['admin.operator.added', null, { role: 'support' }],
          ['admin.operator.added', { role: 'support' }, { role: 'lecture' }],
          ['admin.operator.removed', { role: 'lecture' }, null],
        ],
      );
    });

    it('refuses an unknown role, an unknown account, and removing a non-operator, with a French message', async () => {
      const account = await makeAccount(app, 'denis.cli');
      await assert.rejects(cli('operators:add', '--email', account.email, '--role', 'patron'), (e: CliError) =>
        /Rôle inconnu « patron »/.test(e.message),
      );
      await assert.rejects(cli('operators:add', '--email', 'personne@example.fr', '--role', 'lecture'), (e: CliError) =>
        /Aucun compte pour « personne@example.fr »/.test(e.message),
      );
      await assert.rejects(cli('operators:remove', account.email), (e: CliError) =>
        /n’est pas opérateur/.test(e.message),
      );
      assert.equal(await app.app.get(OperatorsService).roleOf(account.id), undefined);
    });
  });

  describe('/admin', () => {
    it('is registered at the provider as a first-party space', async () => {
      const [client] = await app.dataSource.query<Array<{ metadata: Record<string, unknown> }>>(
        `SELECT metadata FROM oidc_client WHERE client_id = 'plateforme-console'`,
      );
      assert.deepEqual(client.metadata.redirect_uris, [`${app.url}/admin/connexion/retour`]);
    });

    it('sends a signed-out visitor to the console’s sign-in', async () => {
      const res = await fetch(`${app.url}/admin`, { redirect: 'manual', headers: { accept: 'text/html' } });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/admin/connexion');
    });

    it('refuses a signed-in non-operator on every /admin route of the inventory (403), changing nothing', async () => {
      const nobody = await makeAccount(app, 'nadia.visiteuse');
      const browser = new HttpBrowser();
      let page = await browser.get(`${app.url}/admin`, app.url);
      page = await browser.submit(page, /identifiant$/, { identifier: nobody.email }, app.url);
      page = await browser.submit(page, /mot-de-passe$/, { password: ADMIN_PASSWORD }, app.url);
      assert.equal(page.status, 403, 'back at /admin after sign-in, and refused');
      assert.match(page.body, /Accès refusé|refus/i);

      const victim = await makeAccount(app, 'victor.cible');
      const routes = routeInventory(app.app).filter(
        (r) => (r.path === '/admin' || r.path.startsWith('/admin/')) && !r.controller.startsWith('FirstPartySignIn('),
      );
      assert.ok(routes.length >= 1, 'the console has routes');
      const before = await app.dataSource.query(`SELECT count(*)::int AS n FROM audit_event`);
      for (const route of routes) {
        const url = `${app.url}${route.path.replace(/:[a-zA-Z]+/g, victim.id)}`;
        const res = await fetch(url, {
          method: route.method,
          redirect: 'manual',
          headers: {
            accept: 'text/html',
            cookie: browser.cookieHeaderFor(app.url),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: route.method === 'GET' ? undefined : 'confirmation=x&password=x',
        });
        assert.equal(res.status, 403, `${route.method} ${route.path}`);
      }
      const [account] = await app.dataSource.query<Array<{ status: string }>>(
        `SELECT status FROM account WHERE id = $1`,
        [victim.id],
      );
      assert.equal(account.status, 'active');
      assert.deepEqual(await app.dataSource.query(`SELECT count(*)::int AS n FROM audit_event`), before);
    });

    it('shows an operator the dashboard with the real figures of accounts, outbox and sign-ins', async () => {
      const operator = await makeAccount(app, 'olga.lecture', 'lecture');
      const browser = await signInToConsole(app, operator.email);
      const page = await browser.get(`${app.url}/admin`, app.url);
      assert.equal(page.status, 200);
      assert.match(page.body, /Tableau de bord/);
      const figure = (name: string) => Number(new RegExp(`data-figure="${name}">(\\d+)<`).exec(page.body)?.[1]);
      const [accounts] = await app.dataSource.query<Array<{ active: number; pending: number; disabled: number }>>(
        `SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
                count(*) FILTER (WHERE status = 'pending')::int AS pending,
                count(*) FILTER (WHERE status = 'disabled')::int AS disabled FROM account`,
      );
      assert.equal(figure('accounts-active'), accounts.active);
      assert.equal(figure('accounts-pending'), accounts.pending);
      assert.equal(figure('accounts-disabled'), accounts.disabled);
      const [outbox] = await app.dataSource.query<Array<{ depth: number }>>(
        `SELECT count(*)::int AS depth FROM outbox_message WHERE status IN ('pending', 'sending')`,
      );
      assert.equal(figure('outbox-depth'), outbox.depth);
      const [trail] = await app.dataSource.query<Array<{ ok: number; failed: number }>>(
        `SELECT count(*) FILTER (WHERE action = 'identity.sign_in.succeeded')::int AS ok,
                count(*) FILTER (WHERE action IN ('identity.sign_in.failed', 'franceconnect.sign_in.failed'))::int AS failed
           FROM audit_event WHERE occurred_at > now() - interval '24 hours'`,
      );
      assert.ok(trail.ok >= 2, 'the sign-ins of this file are counted');
      assert.equal(figure('sign-ins'), trail.ok);
      assert.equal(figure('sign-in-failures'), trail.failed);
      const [thisHour] = await app.dataSource.query<Array<{ ok: number; failed: number }>>(
        `SELECT count(*) FILTER (WHERE action = 'identity.sign_in.succeeded')::int AS ok,
                count(*) FILTER (WHERE action IN ('identity.sign_in.failed', 'franceconnect.sign_in.failed'))::int AS failed
           FROM audit_event WHERE occurred_at >= date_trunc('hour', now())`,
      );
      const lastRow = /<tr data-hour="23"><td>[^<]+<\/td><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/.exec(page.body);
      assert.ok(lastRow, 'the current hour is the last row');
      assert.deepEqual([Number(lastRow[1]), Number(lastRow[2])], [thisHour.ok, thisHour.failed]);
      assert.equal([...page.body.matchAll(/<tr data-hour=/g)].length, 24);
      // The chart draws the same figures: 24 bars a series, the busiest value at full height (120).
      const heights = (series: string) =>
        [...page.body.matchAll(new RegExp(`height="(\\d+)" fill="#[0-9a-f]+" data-bar="${series}"`, 'g'))].map((m) =>
          Number(m[1]),
        );
      const signIns = heights('sign-ins');
      const failures = heights('failures');
      assert.equal(signIns.length, 24);
      assert.equal(failures.length, 24);
      assert.equal(Math.max(...signIns, ...failures), 120);
      assert.equal(signIns[23] > 0, thisHour.ok > 0, 'the current hour’s sign-ins have a bar');
    });
  });
});
