import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccountService } from '../account.service';
import type { Account } from '../entities/account.entity';
import { WebSessionStore } from '../web-session.store';

/** The cookie of the account space's session (path `/compte`). */
export const SESSION_COOKIE = 'compte_session';

export interface SignedIn {
  account: Account;
  /** The session's cookie value (kept on password change). */
  token: string;
  /** The provider's `sid` for the account space. */
  sid: string | null;
}

/** Who is signed in to the account space, from its cookie; only active accounts count. */
@Injectable()
export class AccountSpaceSessions {
  constructor(
    private readonly sessions: WebSessionStore,
    private readonly accounts: AccountService,
  ) {}

  async current(req: Request): Promise<SignedIn | undefined> {
    const token = cookie(req, SESSION_COOKIE);
    const session = await this.sessions.find(token);
    if (!session || !token) return undefined;
    const account = await this.accounts.get(session.accountId);
    if (!account || account.status !== 'active') return undefined;
    return { account, token, sid: session.oidcSid };
  }
}

export function cookie(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
