import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskRecipient } from './outbox-view';

describe('maskRecipient', () => {
  it('keeps the first letter and the domain of an e-mail address', () => {
    assert.equal(maskRecipient('email', 'julie.petit@example.fr'), 'j•••@example.fr');
    assert.equal(maskRecipient('email', 'sans-arobase'), '•••');
  });

  it('keeps the last two digits of a phone number', () => {
    assert.equal(maskRecipient('sms', '+33612345678'), '••••••••••78');
  });

  it('keeps the origin of a webhook, never its path or query', () => {
    assert.equal(maskRecipient('webhook', 'https://site.example/logout?token=abc'), 'https://site.example/•••');
    assert.equal(maskRecipient('webhook', 'pas une adresse'), '•••');
  });
});
