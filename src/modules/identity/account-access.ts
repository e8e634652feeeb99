import { Injectable } from '@nestjs/common';

/** A session of the provider (single sign-on), as the « Sécurité » page shows it. */
export interface OpenSession {
  /** The provider session's public uid (never its cookie value). */
  uid: string;
  signedInAt: Date;
  lastSeenAt: Date | null;
  userAgent: string | null;
  ipAddress: string | null;
  /** Names of the sites signed in through it. */
  sites: string[];
  /** Whether it is the session the page is shown in. */
  current: boolean;
}

/** A site the person consented to share information with. */
export interface ConsentedSite {
  clientId: string;
  name: string;
  /** What the site receives, in French (« votre adresse électronique »). */
  scopes: string[];
}

/**
 * What the account space asks of the OpenID provider: its sessions and the grants given to sites. The provider lives
 * in the `oidc` module, which depends on this one; it plugs its implementation in at start (`AccountAccessPort.attach`)
 * so that identity never imports it.
 */
export interface AccountAccess {
  /** `currentSid`: the account space's `sid`, to mark the session the page is shown in. */
  sessions(accountId: string, currentSid?: string | null): Promise<OpenSession[]>;
  /** Ends one session (sites told by back-channel logout, the grants it carried revoked). */
  endSession(accountId: string, uid: string): Promise<boolean>;
  /** Ends every session of the account, but the one holding `keepSid` when given. Returns how many ended. */
  endAllSessions(accountId: string, keepSid?: string | null): Promise<number>;
  consentedSites(accountId: string): Promise<ConsentedSite[]>;
  /** « Retirer l'accès »: the site's grants and tokens for this account are revoked. */
  revokeSite(accountId: string, clientId: string): Promise<boolean>;
  /** Every grant of the account, the platform's own sites' included, with their tokens. Returns how many. */
  revokeAllGrants(accountId: string): Promise<number>;
}

@Injectable()
export class AccountAccessPort implements AccountAccess {
  private implementation: AccountAccess | undefined;

  attach(implementation: AccountAccess): void {
    this.implementation = implementation;
  }

  sessions(accountId: string, currentSid?: string | null): Promise<OpenSession[]> {
    return this.access.sessions(accountId, currentSid);
  }

  endSession(accountId: string, uid: string): Promise<boolean> {
    return this.access.endSession(accountId, uid);
  }

  endAllSessions(accountId: string, keepSid?: string | null): Promise<number> {
    return this.access.endAllSessions(accountId, keepSid);
  }

  consentedSites(accountId: string): Promise<ConsentedSite[]> {
    return this.access.consentedSites(accountId);
  }

  revokeSite(accountId: string, clientId: string): Promise<boolean> {
    return this.access.revokeSite(accountId, clientId);
  }

  revokeAllGrants(accountId: string): Promise<number> {
    return this.access.revokeAllGrants(accountId);
  }

  private get access(): AccountAccess {
    if (!this.implementation) throw new Error('Fournisseur OpenID non branché sur l’espace « Mon compte »');
    return this.implementation;
  }
}
