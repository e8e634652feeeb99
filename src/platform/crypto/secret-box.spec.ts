import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveKey, SecretBox } from './secret-box';

const KEY = 'k'.repeat(43);

describe('SecretBox', () => {
  it('opens what it sealed, and seals the same text differently each time', () => {
    const box = new SecretBox(KEY, 'test');
    const a = box.seal('secret du client');
    assert.notEqual(a, box.seal('secret du client'));
    assert.equal(box.open(a), 'secret du client');
    assert.doesNotMatch(a, /secret/);
  });

  it('refuses a tampered text, another purpose and another master key', () => {
    const sealed = new SecretBox(KEY, 'test').seal('x');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('y').toString('base64url');
    assert.throws(() => new SecretBox(KEY, 'test').open(parts.join('.')));
    assert.throws(() => new SecretBox(KEY, 'autre').open(sealed));
    assert.throws(() => new SecretBox('z'.repeat(43), 'test').open(sealed));
  });

  it('derives distinct keys per purpose', () => {
    assert.notEqual(deriveKey(KEY, 'cookies'), deriveKey(KEY, 'csrf'));
    assert.equal(deriveKey(KEY, 'cookies'), deriveKey(KEY, 'cookies'));
  });
});
