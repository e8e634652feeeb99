import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FirmsService, RequestsService } from '../../src/modules/client-space';
import { acceptInvitation, makeFirm, PDF, signInTo } from '../support/client-space';
import type { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const LUCE = 'luce.audit@example.fr';

interface Row {
  action: string;
  actor_type: string;
  actor_id: string | null;
  target_type: string;
  target_id: string;
  details: Record<string, unknown> & { before?: Record<string, unknown>; after?: Record<string, unknown> };
}

describe('Client space: the firm’s actions in the audit trail', () => {
  let app: TestApp;
  let firm: string;
  let staffAccount: string;
  let staff: HttpBrowser;
  const base = () => `${app.url}/espace-cabinet/cabinets/${firm}`;
  const trail = async () =>
    app.dataSource.query<Row[]>(
      `SELECT action, actor_type, actor_id, target_type, target_id, details FROM audit_event
        WHERE action LIKE 'client-space.%' ORDER BY id`,
    );

  before(async () => {
    app = await startTestApp();
    const made = await makeFirm(app, 'Cabinet Delmas', 'fabien.audit');
    firm = made.firm.id;
    staffAccount = made.staff.accountId;
    staff = await signInTo(app, '/espace-cabinet', made.email);
  });
  after(async () => {
    await app?.close();
  });

  it('records each action of a staff member, with the firm, the target and what changed', async () => {
    const invite = await staff.get(`${base()}/clients/nouveau`);
    const invited = await staff.submit(invite, /clients\/nouveau$/, {
      kind: 'personne',
      familyName: 'ALEXANDER',
      givenName: 'Luce',
      email: LUCE,
      address: 'Impasse Adam 1er',
      postalCode: '34470',
      city: 'PEROLS',
    });
    assert.equal(invited.status, 200);
    const [client] = await app.app.get(FirmsService).clients(firm);
    const form = await staff.get(`${base()}/dossiers/nouveau`);
    const staffId = /<option value="([^"]+)"[^>]*>[^<]*DELMAS/.exec(form.body)![1];
    const created = await staff.submit(form, /dossiers\/nouveau$/, {
      number: '2017IIDOS/1529',
      label: 'ALEXAN',
      interlocutorId: staffId,
      clientIds: client.id,
    });
    const dossier = created.url.split('/').pop()!;
    const page = await staff.get(`${base()}/dossiers/${dossier}`);
    await staff.submit(
      page,
      /\/elements$/,
      { kind: 'facture', title: 'Honoraires', date: '2024-01-08', invoiceNumber: 'F-1', amount: '1 250,50' },
      app.url,
      { file: { name: 'F-1.pdf', type: 'application/pdf', data: PDF } },
    );
    const [{ id: invoice }] = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM shared_item WHERE title = 'Honoraires'`,
    );
    const withItem = await staff.get(`${base()}/dossiers/${dossier}`);
    await staff.submit(withItem, new RegExp(`${invoice}/partager$`), {});
    // Sharing again changes nothing, and records nothing.
    await staff.post(`${base()}/elements/${invoice}/partager`, {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(withItem.body)![1],
    });
    const shared = await staff.get(`${base()}/dossiers/${dossier}`);
    await staff.submit(shared, new RegExp(`${invoice}/retirer$`), {});

    await acceptInvitation(app, LUCE);
    const requests = app.app.get(RequestsService);
    const contact = {
      ...client.contact,
      city: 'MONTPELLIER',
      postalCode: '34000',
      phone: '04 67 15 98 42',
      mobile: '06 15 25 65 25',
    };
    await requests.requestContactChange(client, contact);
    const home = await staff.get(base());
    await staff.submit(home, /accepter$/, {});
    await requests.requestContactChange(client, { ...contact, city: 'NÎMES', postalCode: '30000' });
    const again = await staff.get(base());
    await staff.submit(again, /refuser$/, {});

    const rows = await trail();
    assert.deepEqual(
      rows.map((r) => r.action),
      [
        'client-space.client.invited',
        'client-space.dossier.created',
        'client-space.invoice.created',
        'client-space.item.shared',
        'client-space.item.unshared',
        'client-space.contact-change.accepted',
        'client-space.contact-change.rejected',
      ],
    );
    for (const row of rows) {
      assert.equal(row.actor_type, 'account', row.action);
      assert.equal(row.actor_id, staffAccount, row.action);
      assert.equal(row.details.firmId, firm, row.action);
    }
    const byAction = Object.fromEntries(rows.map((r) => [r.action, r]));
    assert.deepEqual(
      [byAction['client-space.client.invited'].target_type, byAction['client-space.client.invited'].target_id],
      ['firm_client', client.id],
    );
    assert.equal(byAction['client-space.dossier.created'].target_id, dossier);
    assert.deepEqual(byAction['client-space.dossier.created'].details.clientIds, [client.id]);
    assert.equal(byAction['client-space.invoice.created'].target_id, invoice);
    assert.equal(byAction['client-space.invoice.created'].details.amountCents, 125050);
    assert.deepEqual(byAction['client-space.item.shared'].details.before, { shared: false });
    assert.deepEqual(byAction['client-space.item.shared'].details.after, { shared: true });
    assert.deepEqual(byAction['client-space.item.unshared'].details.after, { shared: false });
    const accepted = byAction['client-space.contact-change.accepted'].details;
    assert.equal(accepted.before!.city, 'PEROLS');
    assert.equal(accepted.after!.city, 'MONTPELLIER');
    const rejected = byAction['client-space.contact-change.rejected'].details;
    assert.equal(rejected.before!.city, 'MONTPELLIER');
    assert.equal(rejected.after!.city, 'MONTPELLIER', 'a refusal changes nothing');
  });
});
