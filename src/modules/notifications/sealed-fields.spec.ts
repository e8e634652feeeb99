import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SEALED_KEY, SealedFields } from './sealed-fields';

const KEY = 'k'.repeat(43);

describe('SealedFields', () => {
  it('keeps the named fields sealed in the stored data and puts them back to render', () => {
    const fields = new SealedFields(KEY);
    const stored = fields.seal({ login: 'ABO-AAAA-BBBB', password: 'CCCC-DDDD-EEEE' }, ['password']);
    assert.equal(stored.password, undefined);
    assert.equal(stored.login, 'ABO-AAAA-BBBB');
    assert.doesNotMatch(JSON.stringify(stored), /CCCC-DDDD-EEEE/);
    assert.deepEqual(fields.open(stored), { login: 'ABO-AAAA-BBBB', password: 'CCCC-DDDD-EEEE' });
  });

  it('leaves data without secret fields as it is, and refuses sealed fields under another key', () => {
    const fields = new SealedFields(KEY);
    assert.deepEqual(fields.seal({ a: 1 }, []), { a: 1 });
    assert.deepEqual(fields.open({ a: 1 }), { a: 1 });
    const stored = fields.seal({ secret: 's' }, ['secret']);
    assert.ok(typeof stored[SEALED_KEY] === 'string');
    assert.throws(() => new SealedFields('z'.repeat(43)).open(stored));
  });
});
