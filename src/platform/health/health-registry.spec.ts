import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthRegistry } from './health-registry';

describe('HealthRegistry', () => {
  it('keeps the last success and the last error of each service, in a fixed order', () => {
    const health = new HealthRegistry();
    assert.deepEqual(
      health.snapshot().map((h) => [h.component, h.lastSuccessAt, h.lastErrorAt, h.lastError]),
      [
        ['database', null, null, null],
        ['smtp', null, null, null],
        ['sms', null, null, null],
        ['franceconnect', null, null, null],
      ],
    );
    const first = new Date('2026-01-01T10:00:00Z');
    const second = new Date('2026-01-01T11:00:00Z');
    health.succeeded('smtp', first);
    health.failed('smtp', new Error('550 destinataire\n refusé'), first);
    health.failed('smtp', 'x'.repeat(500), second);
    health.succeeded('smtp', second);
    const smtp = health.snapshot().find((h) => h.component === 'smtp')!;
    assert.equal(smtp.label, 'Courriel (SMTP)');
    assert.equal(smtp.lastSuccessAt, second);
    assert.equal(smtp.lastErrorAt, second);
    assert.equal(smtp.lastError, 'x'.repeat(300), 'one line, at most 300 characters');
    health.failed('database', new Error('connexion\n  refusée'));
    assert.equal(health.snapshot()[0].lastError, 'connexion refusée');
  });
});
