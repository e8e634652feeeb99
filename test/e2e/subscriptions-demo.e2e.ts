import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { DEMO_ACCOUNT, DEMO_PRODUCT_CODE, startDemo } from '../../src/dev/demo';
import { IdentityService } from '../../src/modules/identity';
import { SubscriptionsService } from '../../src/modules/subscriptions';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

describe('Subscriptions demo data (npm start)', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());

  it('adds the demo product with two sections, a subscription in each mode and its administrator, once', async () => {
    for (let start = 0; start < 2; start++) {
      const stop = await startDemo(app.app, app.config, pino({ level: 'silent' }), await freePort());
      await stop();
    }
    const service = app.app.get(SubscriptionsService);
    const products = await service.listProducts();
    assert.equal(products.length, 1);
    assert.equal(products[0].code, DEMO_PRODUCT_CODE);
    assert.deepEqual(
      products[0].sections.map((s) => s.name),
      ['Actualités', 'Jurisprudence'],
    );
    const subscriptions = await service.listSubscriptions();
    assert.deepEqual(subscriptions.map((s) => s.accountMode).sort(), [
      'administrator-managed',
      'no-personal-account',
      'self-declaration',
    ]);
    const admin = (await app.app.get(IdentityService).findByEmail(DEMO_ACCOUNT.email))!;
    const mine = await service.mySubscriptions(admin.id);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].accountMode, 'administrator-managed');
    assert.deepEqual(mine[0].products[0].roles, ['reader', 'administrator']);
  });
});
