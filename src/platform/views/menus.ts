import { Injectable } from '@nestjs/common';

/** The menus of the page shell: the account space's side menu, and the operators' console's (to come). */
export type MenuName = 'account' | 'console';

export interface MenuEntry {
  /** Matches the `section` a page renders with, to mark the current entry. */
  key: string;
  href: string;
  /** The French label; with `labelKey` (a catalogue key, docs/i18n.md), the label in the page's language. */
  label: string;
  labelKey?: string;
  /** Position in the menu (lower first); leave gaps so that modules can slot in. */
  order: number;
  /**
   * Shown only to the signed-in accounts for which this says true (« Mes abonnements » to members); evaluated once per
   * signed-in page, so keep it to one indexed query. Without it, the entry is shown to everyone.
   */
  shownTo?: (accountId: string) => Promise<boolean>;
}

/** `<menu>/<key>` of the conditional entries not shown to the signed-in account (left in `res.locals` by the guard). */
export const HIDDEN_MENU_ENTRIES = 'hiddenMenuEntries';

/**
 * Each module adds its entries to the shell's menus (usually in its module class's constructor); the layouts read
 * them through the `menu(name)` template global. Per application instance, never process-wide.
 */
@Injectable()
export class MenuRegistry {
  private readonly menus = new Map<MenuName, MenuEntry[]>();

  add(menu: MenuName, ...entries: MenuEntry[]): void {
    const list = this.menus.get(menu) ?? [];
    for (const entry of entries) {
      if (list.some((e) => e.key === entry.key)) throw new Error(`Entrée de menu en double : ${menu}/${entry.key}`);
      list.push(entry);
    }
    list.sort((a, b) => a.order - b.order);
    this.menus.set(menu, list);
  }

  entries(menu: MenuName): readonly MenuEntry[] {
    return this.menus.get(menu) ?? [];
  }

  /** The entries to show: the unconditional ones, and the conditional ones not in `hidden` (none when unknown). */
  visible(menu: MenuName, hidden: readonly string[] | undefined): MenuEntry[] {
    return this.entries(menu).filter(
      (e) => !e.shownTo || (hidden !== undefined && !hidden.includes(`${menu}/${e.key}`)),
    );
  }

  /** `<menu>/<key>` of every conditional entry this account is not to see. */
  async hiddenFor(accountId: string): Promise<string[]> {
    const hidden: string[] = [];
    for (const [menu, entries] of this.menus)
      for (const entry of entries)
        if (entry.shownTo && !(await entry.shownTo(accountId))) hidden.push(`${menu}/${entry.key}`);
    return hidden;
  }
}
