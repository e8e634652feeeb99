import { Injectable } from '@nestjs/common';

/** The menus of the page shell: the account space's side menu, and the operators' console's (to come). */
export type MenuName = 'account' | 'console';

export interface MenuEntry {
  /** Matches the `section` a page renders with, to mark the current entry. */
  key: string;
  href: string;
  label: string;
  /** Position in the menu (lower first); leave gaps so that modules can slot in. */
  order: number;
}

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
}
