import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditService } from '../../src/platform/audit';
import { makeAccount, signInToConsole } from '../support/admin';
import type { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

describe('AdminModule: the audit trail viewer (filters, detail, CSV export)', () => {
  let app: TestApp;
  let reader: HttpBrowser;
  let readerId: string;
  let targetId: string;

  before(async () => {
    app = await startTestApp();
    readerId = (await makeAccount(app, 'lina.lecture', 'lecture')).id;
    targetId = (await makeAccount(app, 'tess.cible', 'support')).id;
    reader = await signInToConsole(app, 'lina.lecture@example.fr');
  });
  after(async () => app.close());

  const ids = (body: string) => [...body.matchAll(/href="\/admin\/journal\/(\d+)"/g)].map((m) => m[1]);

  it('filters by action prefix, target and dates, and refuses an impossible date with a message (400)', async () => {
    const byAction = await reader.get(`${app.url}/admin/journal?action=admin.operator.`, app.url);
    assert.equal(byAction.status, 200);
    const expected = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM audit_event WHERE action LIKE 'admin.operator.%' ORDER BY id DESC`,
    );
    assert.deepEqual(
      ids(byAction.body),
      expected.map((e) => e.id),
    );

    const byTarget = await reader.get(`${app.url}/admin/journal?cible=${targetId}`, app.url);
    const forTarget = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM audit_event WHERE target_id = $1 ORDER BY id DESC`,
      [targetId],
    );
    assert.ok(forTarget.length > 0);
    assert.deepEqual(
      ids(byTarget.body),
      forTarget.map((e) => e.id),
    );

    const future = await reader.get(`${app.url}/admin/journal?du=2099-01-01`, app.url);
    assert.match(future.body, /Aucun événement ne correspond/);
    const today = new Date().toISOString().slice(0, 10);
    const range = await reader.get(`${app.url}/admin/journal?du=${today}&au=${today}&acteur=${readerId}`, app.url);
    assert.ok(ids(range.body).length >= 1, 'the reader’s own sign-in today');

    const bad = await reader.get(`${app.url}/admin/journal?du=2026-02-31`, app.url);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Date invalide : utilisez le format AAAA-MM-JJ/);
  });

  it('shows an event’s detail, and 404 for an unknown or malformed id', async () => {
    const [event] = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM audit_event WHERE action = 'admin.operator.added' AND target_id = $1`,
      [targetId],
    );
    const page = await reader.get(`${app.url}/admin/journal/${event.id}`, app.url);
    assert.equal(page.status, 200);
    assert.match(page.body, /admin\.operator\.added/);
    assert.match(page.body, /&quot;role&quot;: &quot;support&quot;/);
    for (const id of ['999999999', 'abc', '1e3']) {
      assert.equal((await reader.get(`${app.url}/admin/journal/${id}`, app.url)).status, 404, id);
    }
  });

  it('exports the filtered trail as CSV with formulas neutralised, and audits the export', async () => {
    await app.app.get(AuditService).record({
      actor: { type: 'system' },
      action: 'test.formula.recorded',
      target: { type: 'test', id: '=HYPERLINK("http://evil")' },
      outcome: 'success',
    });
    const res = await reader.download(`${app.url}/admin/journal/export.csv?action=test.formula.`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(
      res.headers.get('content-disposition') ?? '',
      /attachment; filename="?journal-audit-\d{4}-\d{2}-\d{2}\.csv/,
    );
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    assert.equal(lines[0], 'id,date,type_acteur,acteur,action,type_cible,cible,resultat,adresse_ip,requete,details');
    assert.equal(lines.length, 2);
    assert.match(lines[1], /,test\.formula\.recorded,test,"'=HYPERLINK\(""http:\/\/evil""\)",success,/);
    const [exported] = await app.dataSource.query<Array<{ details: { count: number } }>>(
      `SELECT details FROM audit_event WHERE action = 'admin.audit.exported' AND actor_id = $1`,
      [readerId],
    );
    assert.equal(exported.details.count, 1);
  });
});
