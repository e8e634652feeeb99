import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryFailedError } from 'typeorm';
import { isConcurrentWrite } from './concurrent-write';

describe('isConcurrentWrite', () => {
  it('recognises a unique violation, a serialization failure and a deadlock, from TypeORM or the driver', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    assert.equal(isConcurrentWrite(new QueryFailedError('INSERT …', [], driverError)), true);
    assert.equal(isConcurrentWrite(Object.assign(new Error('x'), { code: '40001' })), true);
    assert.equal(isConcurrentWrite({ driverError: { code: '40P01' } }), true);
  });

  it('leaves other errors alone', () => {
    assert.equal(isConcurrentWrite(Object.assign(new Error('x'), { code: '23503' })), false);
    assert.equal(isConcurrentWrite(new Error('x')), false);
    assert.equal(isConcurrentWrite(undefined), false);
    assert.equal(isConcurrentWrite(null), false);
  });
});
