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
  /**
   * Shown only to the signed-in accounts of this audience (an audience a module defines with `defineAudience`, say
   * `company-primary`); shown to everyone without it.
   */
  audience?: string;
}

/** Whether a signed-in account belongs to an audience (a module's rule, asked once per signed-in page). */
export type MenuAudience = (accountId: string) => Promise<boolean>;

/**
 * Each module adds its entries to the shell's menus (usually in its module class's constructor); the layouts read
 * them through the `menu(name)` template global. Per application instance, never process-wide.
 */
@Injectable()
export class MenuRegistry {
  private readonly menus = new Map<MenuName, MenuEntry[]>();
  private readonly audiences = new Map<string, MenuAudience>();

  defineAudience(name: string, member: MenuAudience): void {
    if (this.audiences.has(name)) throw new Error(`Public de menu en double : ${name}`);
    this.audiences.set(name, member);
  }

  /** The audiences a signed-in account belongs to (the access-policy guard leaves them to the page's layout). */
  async audiencesOf(accountId: string): Promise<string[]> {
    const found: string[] = [];
    for (const [name, member] of this.audiences) if (await member(accountId)) found.push(name);
    return found;
  }

  add(menu: MenuName, ...entries: MenuEntry[]): void {
    const list = this.menus.get(menu) ?? [];
    for (const entry of entries) {
      if (list.some((e) => e.key === entry.key)) throw new Error(`Entrée de menu en double : ${menu}/${entry.key}`);
      list.push(entry);
    }
    list.sort((a, b) => a.order - b.order);
    this.menus.set(menu, list);
  }

  /** The entries of a menu; with `audiences`, those without an audience and those of the given audiences. */
  entries(menu: MenuName, audiences?: readonly string[]): readonly MenuEntry[] {
    const list = this.menus.get(menu) ?? [];
    return list.filter((e) => !e.audience || (audiences ?? []).includes(e.audience));
  }
}
