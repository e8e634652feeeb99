import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsoleAccountSections } from './console-account-sections';

describe('ConsoleAccountSections', () => {
  it('gives the sections of an account in order, leaving out the contributors with nothing to say', async () => {
    const sections = new ConsoleAccountSections();
    sections.add({
      key: 'company',
      order: 20,
      section: async (id) => (id === 'entreprise' ? { title: 'Compte entreprise', items: [] } : undefined),
    });
    sections.add({
      key: 'franceconnect',
      order: 10,
      section: async () => ({
        title: 'FranceConnect',
        items: [{ key: 'franceconnect', term: 'Liaison', value: 'non lié' }],
      }),
    });
    assert.deepEqual(
      (await sections.sectionsFor('entreprise')).map((s) => s.key),
      ['franceconnect', 'company'],
    );
    assert.deepEqual(
      (await sections.sectionsFor('particulier')).map((s) => s.key),
      ['franceconnect'],
    );
  });

  it('refuses a section key twice', () => {
    const sections = new ConsoleAccountSections();
    const contributor = { key: 'x', order: 1, section: async () => undefined };
    sections.add(contributor);
    assert.throws(() => sections.add(contributor), /en double/);
  });
});
