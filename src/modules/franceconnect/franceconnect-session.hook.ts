import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditService } from '../../platform/audit';
import { LOGGER } from '../../platform/logging/logger';
import { ProviderHooks, type LogoutDetour } from '../../platform/provider-hooks';
import { FranceConnectAccounts } from './franceconnect-accounts.service';
import { FranceConnectFlow } from './franceconnect-flow';

/**
 * FranceConnect's part in the provider's sessions: after a FranceConnect sign-in resumes, the FC ID token is kept for
 * this session; after this session's logout, the browser goes through FC's `session/end` before the provider's own
 * destination (the site's post-logout URI, or the « déconnecté » page). The local session is already gone then, so
 * whatever happens at FC, nobody stays signed in here.
 */
@Injectable()
export class FranceConnectSessionHook implements OnModuleInit {
  constructor(
    private readonly hooks: ProviderHooks,
    private readonly accounts: FranceConnectAccounts,
    private readonly flow: FranceConnectFlow,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.hooks.addSessionHook({
      name: 'franceconnect.logout',
      resumed: (session, result) => this.resumed(session, result),
      ended: (session, destination) => this.ended(session.uid, destination),
    });
  }

  private async resumed(session: { uid: string; accountId: string }, result: Record<string, unknown>) {
    const idToken = (result as { franceconnect?: { idToken?: string } }).franceconnect?.idToken;
    if (idToken) await this.accounts.rememberSession(session.uid, session.accountId, idToken);
  }

  private async ended(sessionUid: string, destination: string): Promise<LogoutDetour | undefined> {
    const kept = await this.accounts.takeSession(sessionUid);
    if (!kept || !this.flow.enabled) return undefined;
    try {
      const logout = await this.flow.logout(kept.idToken, destination, kept.signedInAt);
      if (!logout) return undefined;
      const { url, cookie } = logout;
      await this.audit.record({
        actor: { type: 'account', id: kept.accountId },
        action: 'franceconnect.logout.started',
        outcome: 'success',
      });
      return { url: url.toString(), cookie: { ...cookie, options: this.flow.logoutCookieOptions } };
    } catch (error) {
      // FC unreachable: the platform's logout is done; the person goes on without FC's.
      this.logger.warn({ err: error }, 'Déconnexion de FranceConnect impossible');
      return undefined;
    }
  }
}
