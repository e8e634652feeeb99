import { Injectable } from '@nestjs/common';

/** One line of a section: a term and its value (`key` becomes the value's `data-<key>` attribute, for tests). */
export interface AccountSectionItem {
  key?: string;
  term: string;
  value: string;
}

/** What a module shows about an account on the console's account page: a titled list of terms and values. */
export interface AccountSection {
  title: string;
  items: AccountSectionItem[];
  /** Shown instead of the list when it is empty (« Non lié », say). */
  empty?: string;
}

export interface AccountSectionContributor {
  /** Unique; also the section's `data-section` attribute. */
  key: string;
  /** Position on the page (lower first); leave gaps. */
  order: number;
  /** The section for this account, or `undefined` when the module has nothing to say about it. One or two queries. */
  section(accountId: string): Promise<AccountSection | undefined>;
}

/**
 * The « account page sections » seam of the operators' console (`/admin/comptes/:id`): each module that holds data
 * about an account (FranceConnect's link, a company account's fields) adds a contributor, usually in its module
 * class's constructor; the console renders the sections in order, without importing those modules. Lives in the
 * platform, as the menus do, so that the modules the console depends on can fill it without a cycle. Per application
 * instance.
 */
@Injectable()
export class ConsoleAccountSections {
  private readonly contributors: AccountSectionContributor[] = [];

  add(contributor: AccountSectionContributor): void {
    if (this.contributors.some((c) => c.key === contributor.key))
      throw new Error(`Section de la page de compte en double : ${contributor.key}`);
    this.contributors.push(contributor);
    this.contributors.sort((a, b) => a.order - b.order);
  }

  /** The sections of this account, in order (a contributor with nothing to say leaves none). */
  async sectionsFor(accountId: string): Promise<Array<AccountSection & { key: string }>> {
    const sections = await Promise.all(
      this.contributors.map(async (c) => {
        const section = await c.section(accountId);
        return section ? { ...section, key: c.key } : undefined;
      }),
    );
    return sections.filter((s) => s !== undefined);
  }
}
