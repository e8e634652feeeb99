import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Locale } from '../../platform/i18n/i18n';

/** A password that was just set, as the hooks see it (inside the transaction that sets it). */
export interface PasswordChange {
  accountId: string;
  occurredAt: Date;
  via: 'account' | 'reset';
  /** The account's language (`account.locale`): a notice about the change is written in it. */
  locale: Locale;
}

/** What another module does when a password is set, in the same transaction (a notice through the outbox, say). */
export type PasswordChangeHook = (manager: EntityManager, change: PasswordChange) => Promise<void>;

/**
 * The seam of `AccountService.setPassword` (« Mon compte », a reset link, a company resetting a secondary account's):
 * hooks registered at start run in the transaction that stores the new password, so that what they write (an outbox
 * message) commits with it or not at all, unlike a listener of `identity.account.password-changed`, which runs after
 * the commit and is lost if the process stops in between. A hook that throws rolls the change back.
 */
@Injectable()
export class PasswordChangeHooks {
  private readonly hooks: PasswordChangeHook[] = [];

  add(hook: PasswordChangeHook): void {
    this.hooks.push(hook);
  }

  async run(manager: EntityManager, change: PasswordChange): Promise<void> {
    for (const hook of this.hooks) await hook(manager, change);
  }
}
