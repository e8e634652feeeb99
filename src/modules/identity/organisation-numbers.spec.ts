import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRna, parseSiren, parseSiret } from './organisation-numbers';

describe('organisation numbers', () => {
  it('accepts valid SIREN numbers as people type them', () => {
    assert.equal(parseSiren('732 829 320'), '732829320');
    assert.equal(parseSiren('552100554'), '552100554');
  });

  it('refuses a SIREN with a wrong check digit or length', () => {
    for (const input of ['732829321', '73282932', '7328293200', 'abcdefghi', ''])
      assert.equal(parseSiren(input), undefined);
  });

  it('accepts valid SIRET numbers, La Poste included', () => {
    assert.equal(parseSiret('732 829 320 00074'), '73282932000074');
    assert.equal(parseSiret('356 000 000 00051'), '35600000000051');
  });

  it('refuses a SIRET with a wrong check digit', () => {
    assert.equal(parseSiret('73282932000075'), undefined);
    assert.equal(parseSiret('35600000000052'), undefined);
  });

  it('reads RNA numbers', () => {
    assert.equal(parseRna('w751234567'), 'W751234567');
    assert.equal(parseRna('W75123456'), undefined);
  });
});
