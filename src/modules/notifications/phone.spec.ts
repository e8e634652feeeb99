import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePhoneNumber } from './phone';

describe('parsePhoneNumber', () => {
  it('normalises French numbers as people type them to E.164', () => {
    for (const input of ['06 12 34 56 78', '0612345678', '+33 6 12 34 56 78', '0033612345678', '06.12.34.56.78']) {
      assert.equal(parsePhoneNumber(input)?.e164, '+33612345678', input);
    }
    assert.equal(parsePhoneNumber('06 12 34 56 78')?.national, '06 12 34 56 78');
  });

  it('tells a mobile from a fixed line', () => {
    assert.equal(parsePhoneNumber('06 12 34 56 78')?.mobile, true);
    assert.equal(parsePhoneNumber('01 42 34 56 78')?.mobile, false);
  });

  it('reads other countries with their prefix, or by the given country', () => {
    assert.equal(parsePhoneNumber('+32 470 12 34 56')?.e164, '+32470123456');
    assert.equal(parsePhoneNumber('0470 12 34 56', 'BE')?.e164, '+32470123456');
    assert.equal(parsePhoneNumber('0694 12 34 56', 'GF')?.e164, '+594694123456');
  });

  it('refuses what is not a phone number', () => {
    for (const input of ['', '12', '06 12 34', '+33 6 12 34 56 78 90', 'bonjour', '0612345678'.repeat(5)]) {
      assert.equal(parsePhoneNumber(input), undefined, input);
    }
  });
});
