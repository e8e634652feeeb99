import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MenuRegistry } from './menus';

describe('MenuRegistry', () => {
  const registry = () => {
    const menus = new MenuRegistry();
    menus.add(
      'account',
      { key: 'home', href: '/compte', label: 'Vue d’ensemble', order: 10 },
      {
        key: 'subscriptions',
        href: '/compte/abonnements',
        label: 'Mes abonnements',
        order: 15,
        shownTo: async (accountId) => accountId === 'membre',
      },
    );
    return menus;
  };

  describe('hiddenFor and visible', () => {
    it('hides a conditional entry from the accounts it is not for, and shows it to the others', async () => {
      const menus = registry();
      assert.deepEqual(await menus.hiddenFor('autre'), ['account/subscriptions']);
      assert.deepEqual(await menus.hiddenFor('membre'), []);
      const keys = (hidden: string[] | undefined) => menus.visible('account', hidden).map((e) => e.key);
      assert.deepEqual(keys(await menus.hiddenFor('autre')), ['home']);
      assert.deepEqual(keys(await menus.hiddenFor('membre')), ['home', 'subscriptions']);
    });

    it('shows no conditional entry when nobody is known to be signed in', () => {
      assert.deepEqual(
        registry()
          .visible('account', undefined)
          .map((e) => e.key),
        ['home'],
      );
    });
  });
});
