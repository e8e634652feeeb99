import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../../platform/audit';
import { ProviderHooks } from '../../platform/provider-hooks';
import { isFirstPartyClient } from '../../platform/first-party-clients';
import { AccountAccessPort, type AccountAccess, type ConsentedSite, type OpenSession } from '../identity';
import { GrantRepository } from './grant.repository';
import { OidcProviderService } from './oidc-provider.service';
import { scopeDescriptions } from './scope-descriptions';

interface SessionRow {
  id: string;
  uid: string;
  payload: {
    accountId?: string;
    loginTs?: number;
    authorizations?: Record<string, { sid?: string; grantId?: string; persistsLogout?: boolean }>;
  };
  user_agent: string | null;
  ip_address: string | null;
  last_seen_at: Date | null;
}

/** Read at each call: spaces register as their modules load. */
const FIRST_PARTY = { has: isFirstPartyClient };

/**
 * The provider's sessions and grants of one account, for the account space: listing them, and ending them as the
 * provider's own logout does (sites told by back-channel logout, the grants of the session revoked).
 */
@Injectable()
export class OidcAccountAccess implements AccountAccess, OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly oidc: OidcProviderService,
    private readonly audit: AuditService,
    private readonly port: AccountAccessPort,
    private readonly grants: GrantRepository,
    private readonly hooks: ProviderHooks,
  ) {}

  onModuleInit(): void {
    this.port.attach(this);
  }

  async sessions(accountId: string, currentSid?: string | null): Promise<OpenSession[]> {
    const rows = await this.sessionRows(accountId);
    const sessions: OpenSession[] = [];
    for (const row of rows) {
      const authorizations = Object.entries(row.payload.authorizations ?? {});
      const sites: string[] = [];
      for (const [clientId] of authorizations) sites.push(await this.clientName(clientId));
      sessions.push({
        uid: row.uid,
        signedInAt: new Date((row.payload.loginTs ?? 0) * 1000),
        lastSeenAt: row.last_seen_at,
        userAgent: row.user_agent,
        ipAddress: row.ip_address,
        sites,
        current: Boolean(currentSid) && authorizations.some(([, a]) => a.sid === currentSid),
      });
    }
    return sessions.sort((a, b) => Number(b.current) - Number(a.current) || +b.signedInAt - +a.signedInAt);
  }

  async endSession(accountId: string, uid: string): Promise<boolean> {
    const row = (await this.sessionRows(accountId)).find((r) => r.uid === uid);
    if (!row) return false;
    await this.end(accountId, row);
    return true;
  }

  async endAllSessions(accountId: string, keepSid?: string | null): Promise<number> {
    let ended = 0;
    for (const row of await this.sessionRows(accountId)) {
      const keep = keepSid && Object.values(row.payload.authorizations ?? {}).some((a) => a.sid === keepSid);
      if (keep) continue;
      await this.end(accountId, row);
      ended++;
    }
    return ended;
  }

  async consentedSites(accountId: string): Promise<ConsentedSite[]> {
    const sites: ConsentedSite[] = [];
    const descriptions = scopeDescriptions(this.hooks);
    for (const row of await this.grants.consentedScopes(accountId)) {
      if (FIRST_PARTY.has(row.clientId)) continue;
      const scopes = [...new Set(row.scopes.split(' ').filter(Boolean))].map((scope) => descriptions[scope] ?? scope);
      sites.push({ clientId: row.clientId, name: await this.clientName(row.clientId), scopes });
    }
    return sites;
  }

  async revokeSite(accountId: string, clientId: string): Promise<boolean> {
    if (FIRST_PARTY.has(clientId)) return false;
    const grants = await this.grants.idsOf(accountId, clientId);
    for (const id of grants) await this.grants.revoke(id);
    if (grants.length > 0) {
      await this.audit.record({
        actor: { type: 'account', id: accountId },
        action: 'oidc.grant.revoked',
        target: { type: 'client', id: clientId },
        outcome: 'success',
        details: { by: 'account', grants: grants.length },
      });
    }
    return grants.length > 0;
  }

  async revokeAllGrants(accountId: string): Promise<number> {
    const grants = await this.grants.idsOf(accountId);
    for (const id of grants) await this.grants.revoke(id);
    return grants.length;
  }

  private async end(accountId: string, row: SessionRow): Promise<void> {
    const { Client } = this.oidc.provider;
    for (const [clientId, authorization] of Object.entries(row.payload.authorizations ?? {})) {
      // Not in the provider's type definitions, but its own logout calls it: `backchannelLogout(sub, sid)`.
      const client = (await Client.find(clientId)) as
        (InstanceType<typeof Client> & { backchannelLogout(sub: string, sid: string): Promise<void> }) | undefined;
      // Queued through the outbox by the provider's fetch hook: delivered and retried in the background.
      if (client?.backchannelLogoutUri) await client.backchannelLogout(accountId, authorization.sid ?? '');
      if (authorization.grantId && !authorization.persistsLogout) await this.grants.revoke(authorization.grantId);
    }
    await this.oidc.provider.Session.adapter.destroy(row.id);
    await this.audit.record({
      actor: { type: 'account', id: accountId },
      action: 'oidc.session.ended',
      target: { type: 'session', id: row.uid },
      outcome: 'success',
      details: { by: 'account' },
    });
  }

  private async sessionRows(accountId: string): Promise<SessionRow[]> {
    return this.dataSource.query(
      `SELECT p.id, p.uid, p.payload, d.user_agent, d.ip_address, d.last_seen_at
       FROM oidc_payload p LEFT JOIN oidc_session_device d ON d.session_uid = p.uid
       WHERE p.model = 'Session' AND p.payload->>'accountId' = $1 AND (p.expires_at IS NULL OR p.expires_at > now())`,
      [accountId],
    );
  }

  private async clientName(clientId: string): Promise<string> {
    const client = await this.oidc.provider.Client.find(clientId);
    return client?.clientName ?? clientId;
  }
}
