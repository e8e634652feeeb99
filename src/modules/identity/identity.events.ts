/**
 * The events identity publishes after commit (catalogue: docs/events.md). Other modules listen with
 * `@OnDomainEvent('identity.account.disabled')`; identity never imports them.
 */
export interface IdentityAccountEvent {
  accountId: string;
  occurredAt: Date;
}

export interface IdentityEvents {
  /** A pending account became active: activation link or SMS code, or an invitation accepted. */
  'identity.account.activated': IdentityAccountEvent & { via: 'email' | 'sms' | 'invitation' };
  /** Signing in is refused from now on; every session ended and every grant was revoked. */
  'identity.account.disabled': IdentityAccountEvent & { by: string | null };
  'identity.account.enabled': IdentityAccountEvent & { by: string | null };
  /**
   * The account row is gone (only its id remains, in the audit trail): deleted by its holder, or a self-registered
   * account purged while still pending activation.
   */
  'identity.account.deleted': IdentityAccountEvent & { reason: 'by-holder' | 'by-operator' | 'unactivated' };
  /** A new password (not the first one an invited person chooses: that is `activated`). */
  'identity.account.password-changed': IdentityAccountEvent & { via: 'account' | 'reset' };
  'identity.account.email-changed': IdentityAccountEvent & { email: string };
}

declare module '../../platform/events/domain-events' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds identity's events
  interface DomainEventMap extends IdentityEvents {}
}
