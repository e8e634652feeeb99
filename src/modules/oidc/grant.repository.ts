import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * The provider's grants (consents) as stored by `PostgresAdapter` in `oidc_payload`: the queries the provider's own
 * models do not offer (by account), shared by the provider configuration and the account space.
 */
@Injectable()
export class GrantRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The live grant of an account for a client that expires last (consent remembered across sessions). */
  async latestFor(accountId: string, clientId: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM oidc_payload WHERE model = 'Grant' AND payload->>'accountId' = $1 AND payload->>'clientId' = $2
         AND (expires_at IS NULL OR expires_at > now()) ORDER BY expires_at DESC NULLS LAST LIMIT 1`,
      [accountId, clientId],
    );
    return rows[0]?.id;
  }

  /** The ids of an account's grants, for one client or all. */
  async idsOf(accountId: string, clientId?: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM oidc_payload WHERE model = 'Grant' AND payload->>'accountId' = $1
         AND ($2::text IS NULL OR payload->>'clientId' = $2)`,
      [accountId, clientId ?? null],
    );
    return rows.map((row) => row.id);
  }

  /** The clients an account granted access to, each with the scopes of its live grants (space-separated). */
  async consentedScopes(accountId: string): Promise<Array<{ clientId: string; scopes: string }>> {
    const rows: Array<{ client_id: string; scopes: string | null }> = await this.dataSource.query(
      `SELECT payload->>'clientId' AS client_id, string_agg(payload->'openid'->>'scope', ' ') AS scopes
       FROM oidc_payload WHERE model = 'Grant' AND payload->>'accountId' = $1
         AND (expires_at IS NULL OR expires_at > now())
       GROUP BY payload->>'clientId' ORDER BY payload->>'clientId'`,
      [accountId],
    );
    return rows.map((row) => ({ clientId: row.client_id, scopes: row.scopes ?? '' }));
  }

  /** The grant and every token and code issued under it. */
  async revoke(grantId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM oidc_payload WHERE grant_id = $1 OR (model = 'Grant' AND id = $1)`, [
      grantId,
    ]);
  }
}
