import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startDemo } from '../../src/dev/demo';
import { IdentityService, SignInThrottle } from '../../src/modules/identity';
import { NotificationsService, OutboxWorker } from '../../src/modules/notifications';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { ADMIN_PASSWORD, makeAccount, signInToConsole } from '../support/admin';
import type { HttpBrowser } from '../support/http-browser';
import { freePort } from '../support/ports';
import { routeInventory, type Route } from '../support/routes';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Every console action is in the audit trail with the values before and after. The test knows no console screen: it
 * crawls the console as a super-admin (links and GET forms under /admin, from the menu and a few accounts in each state), then
 * submits every form it found whose action is a POST route of the console (`@Permission` under /admin in the route
 * inventory), once per route and button, filling empty fields from their type (and a « Saisissez « X » » hint). Each
 * submission carries its own request id; the trail must hold an event of that request with the operator as actor,
 * `details.before` and `details.after`, and the address. Every POST route of the inventory must have been reached by a
 * form: a route added later (another module's console screen) is covered without changing this test, and fails it
 * when it records nothing.
 */

interface Form {
  action: string;
  method: string;
  label: string;
  fields: Array<[string, string]>;
}

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const attributes = (tag: string): Record<string, string> =>
  Object.fromEntries(
    [...tag.matchAll(/([a-zA-Z_:][\w:.-]*)(?:\s*=\s*"([^"]*)")?/g)].map(([, name, value]) => [
      name.toLowerCase(),
      decode(value ?? ''),
    ]),
  );

const text = (html: string) =>
  decode(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

let counter = 0;

/** The forms of a page with the values a person would send: what is there, and something valid where it is empty. */
function formsOf(body: string): Form[] {
  const forms: Form[] = [];
  for (const [, open, inner] of body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = attributes(open);
    const fields: Array<[string, string]> = [];
    const hintFor = (name: string) => {
      const label = new RegExp(`<label[^>]*for="${name}"[^>]*>([\\s\\S]*?)</label>`).exec(inner);
      return label ? /«\s*([^»]+?)\s*»/.exec(text(label[1]))?.[1] : undefined;
    };
    const fill = (name: string, type: string) => {
      counter += 1;
      if (type === 'password') return ADMIN_PASSWORD;
      const hinted = hintFor(name);
      if (hinted) return hinted;
      if (type === 'email') return `audit.${counter}@example.fr`;
      if (type === 'url') return `https://audit-${counter}.example.fr/retour`;
      if (type === 'number') return '1';
      if (type === 'date') return '2030-01-01';
      return `audit-${counter}`;
    };
    const boxes: string[] = [];
    for (const [tag] of inner.matchAll(/<input\b[^>]*>/g)) {
      const a = attributes(tag);
      const type = (a.type ?? 'text').toLowerCase();
      if (!a.name || ['submit', 'button', 'file', 'reset', 'image'].includes(type)) continue;
      if (type === 'checkbox' || type === 'radio') {
        if ('checked' in a) fields.push([a.name, a.value || 'on']);
        else boxes.push(tag);
        continue;
      }
      if (a.value || type === 'hidden' || !('required' in a || type === 'password')) fields.push([a.name, a.value]);
      else fields.push([a.name, fill(a.name, type)]);
    }
    // A group of boxes none of which is ticked (grant types, say): the first one.
    if (!fields.some(([name]) => boxes.some((b) => attributes(b).name === name)) && boxes.length) {
      const a = attributes(boxes[0]);
      if (!fields.some(([name]) => name === a.name)) fields.push([a.name, a.value || 'on']);
    }
    for (const [, open, content] of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const a = attributes(open);
      if (!a.name) continue;
      const value = decode(content);
      fields.push([a.name, value || ('required' in a || /uris?$/i.test(a.name) ? fill(a.name, 'url') : '')]);
    }
    for (const [, open, options] of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const a = attributes(open);
      const all = [...options.matchAll(/<option\b([^>]*)>/g)].map(([, o]) => attributes(o));
      const chosen = all.find((o) => 'selected' in o) ?? all.find((o) => o.value) ?? all[0];
      if (a.name && chosen) fields.push([a.name, chosen.value]);
    }
    const button = /<button\b[^>]*>([\s\S]*?)<\/button>/.exec(inner);
    forms.push({
      action: decode(attrs.action ?? ''),
      method: (attrs.method ?? 'get').toLowerCase(),
      label: button ? text(button[1]) : '',
      fields,
    });
  }
  return forms;
}

const linksOf = (body: string): string[] =>
  [...body.matchAll(/href="(\/admin[^"#]*)"/g)].map(([, href]) => decode(href)).filter((h) => !/\.csv(\?|$)/.test(h));

/** The route that answers a path: the one with the fewest parameters among those matching (static segments win). */
function routeFor(routes: Route[], path: string): Route | undefined {
  const matching = routes.filter((r) =>
    new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+')}$`).test(decodeURIComponent(path.split('?')[0])),
  );
  return matching.sort((a, b) => (a.path.match(/:/g) ?? []).length - (b.path.match(/:/g) ?? []).length)[0];
}

describe('AdminModule: every console action is audited with the values before and after', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let stopDemo: () => Promise<void>;
  let operator: HttpBrowser;
  let operatorId: string;
  const starts: string[] = [];

  before(async () => {
    smtp = await startSmtpServer({ rejectRecipient: (address) => address.startsWith('refuse') });
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    // The demo's data (subscriptions, company accounts, a client space): other modules' console screens have
    // something to show and act on.
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), await freePort());
    operatorId = (await makeAccount(app, 'olga.operatrice', 'super-admin')).id;
    const identity = app.app.get(IdentityService);
    // Accounts in every state an action needs: deleted first, disabled, pending, blocked, active.
    const doomed = await makeAccount(app, 'dora.supprimee');
    const disabled = await makeAccount(app, 'denis.desactive');
    await identity.disable(disabled.id, { type: 'system' });
    const pending = await identity.inviteAccount({
      email: 'paula.attente@example.fr',
      givenName: 'Paula',
      familyName: 'Attente',
      invitedBy: { actor: { type: 'system' }, name: 'la plateforme' },
    });
    const blocked = await makeAccount(app, 'blaise.bloque');
    const throttle = app.app.get(SignInThrottle);
    for (let i = 0; i < 6; i++) await throttle.currentPassword(blocked.id, async () => false).catch(() => false);
    const active = await makeAccount(app, 'alice.active');
    for (const id of [doomed.id, disabled.id, pending.id, blocked.id, active.id]) starts.push(`/admin/comptes/${id}`);
    // A site of its own (editable, disabled, its secret renewed).
    const provider = app.app.get(OidcProviderService);
    await app.app.get(ClientRegistry).add(
      {
        client_id: 'site-audite',
        client_name: 'Site audité',
        client_secret: 'secret-du-site-audite-0123456789abcdef',
        redirect_uris: ['https://site-audite.example.fr/retour'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      (metadata) => provider.validateClient(metadata),
    );
    // Failed messages (two: one retried alone, the other with « all failed »).
    for (const to of ['refuse.un@example.fr', 'refuse.deux@example.fr']) {
      await app.dataSource.transaction((manager) =>
        app.app
          .get(NotificationsService)
          .enqueueEmail(manager, { to, template: 'test-email', data: { sentAt: 'maintenant' } }),
      );
    }
    await app.app.get(OutboxWorker).deliverDue();
    operator = await signInToConsole(app, 'olga.operatrice@example.fr');
  });
  after(async () => {
    await stopDemo?.();
    await app?.close();
    await smtp?.stop();
  });

  it('finds a form for every POST route of the console, and each submission is audited with before/after, address and request id', async () => {
    const routes = routeInventory(app.app).filter(
      (r) => r.path.startsWith('/admin') && r.policy?.kind === 'permission',
    );
    const posts = routes.filter((r) => r.method === 'POST');
    const gets = routes.filter((r) => r.method === 'GET');
    assert.ok(posts.length >= 10, 'the console has its actions');
    const own = `/admin/comptes/${operatorId}`;

    // 1. Every page reachable by links (at most 5 per GET route), in the order found.
    const pages: string[] = [];
    const perRoute = new Map<string, number>();
    const queue = ['/admin', ...starts, '/admin/envois?statut=failed'];
    while (queue.length) {
      const path = queue.shift()!;
      if (pages.includes(path) || path.startsWith(own)) continue;
      const route = routeFor(gets, path);
      if (!route) continue;
      const seen = perRoute.get(route.name) ?? 0;
      if (seen >= 5) continue;
      const page = await operator.get(`${app.url}${path}`, app.url);
      if (page.status !== 200 || !page.url.startsWith(`${app.url}/admin`)) continue;
      perRoute.set(route.name, seen + 1);
      pages.push(path);
      queue.push(...linksOf(page.body));
      // A GET form leads to a page too (« Voir les conséquences » before a change, a search): filled as for a POST.
      for (const form of formsOf(page.body))
        if (form.method === 'get' && form.action.startsWith('/admin'))
          queue.push(`${form.action.split('?')[0]}?${new URLSearchParams(form.fields).toString()}`);
    }

    // 2. Act from the deepest pages first (a message before the list of messages): each new route and button once,
    // then the forms of the page the action answers with (« Réactiver » after « Désactiver »).
    const done = new Map<string, string>();
    const failures: string[] = [];
    const ordered = pages
      .map((path, index) => ({ path, index, depth: path.split('?')[0].split('/').length }))
      .sort((a, b) => b.depth - a.depth || a.index - b.index);
    for (const { path } of ordered) {
      let page = await operator.get(`${app.url}${path}`, app.url);
      for (let acted = 0; page.status === 200 && acted < 20; acted++) {
        const form = formsOf(page.body).find((f) => {
          const route = f.method === 'post' ? routeFor(posts, f.action) : undefined;
          return route && !f.action.startsWith(own) && !done.has(`${route.name} ${f.label}`);
        });
        if (!form) break;
        const route = routeFor(posts, form.action)!;
        const requestId = `audit-couverture-${done.size + 1}`;
        done.set(`${route.name} ${form.label}`, requestId);
        operator.headers = { 'x-request-id': requestId };
        const answer = await operator.post(`${app.url}${form.action}`, new URLSearchParams(form.fields), app.url);
        operator.headers = {};
        const what = `${route.method} ${route.path} « ${form.label} » (${form.action})`;
        if (answer.status >= 400) {
          const messages = [...answer.body.matchAll(/class="fr-error-text"[^>]*>([\s\S]*?)<\/p>/g)].map(([, m]) =>
            text(m),
          );
          failures.push(`${what} : réponse ${answer.status} ${messages.join(' ; ')}`);
          break;
        }
        const events = await app.dataSource.query<
          Array<{ action: string; actor_type: string; actor_id: string; details: unknown; ip_address: string | null }>
        >(
          `SELECT action, actor_type, actor_id, details, ip_address FROM audit_event
            WHERE request_id = $1 AND action NOT LIKE 'admin.step\\_up.%'`,
          [requestId],
        );
        const audited = events.find(
          (e) =>
            e.actor_type === 'operator' &&
            e.actor_id === operatorId &&
            /^[a-z-]+\.[a-z_.-]+$/.test(e.action) &&
            e.ip_address &&
            typeof e.details === 'object' &&
            e.details !== null &&
            'before' in e.details &&
            'after' in e.details &&
            ((e.details as { before: unknown }).before !== null || (e.details as { after: unknown }).after !== null),
        );
        if (!audited)
          failures.push(
            `${what} : aucun événement d’audit de l’opérateur avec details.before/after, adresse et identifiant de requête (${JSON.stringify(events)})`,
          );
        page = answer;
      }
    }

    const performed = new Set([...done.keys()].map((key) => key.split(' ')[0]));
    const unreached = posts.filter((r) => !performed.has(r.name)).map((r) => `${r.method} ${r.path} (${r.name})`);
    assert.deepEqual(unreached, [], 'routes POST de la console qu’aucun formulaire atteint depuis la console');
    assert.deepEqual(failures, []);
  });
});
