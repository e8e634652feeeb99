import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { requestContext } from '../../platform/http/request-context';
import type { ClientRegistry } from './client.registry';

/**
 * node-oidc-provider's storage interface on the `oidc_payload` table (one row per item, looked up by id, uid, user
 * code or grant id). Clients come from the client registry instead.
 */
export class PostgresAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly dataSource: DataSource,
    private readonly clients: ClientRegistry,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oidc_payload (model, id, payload, grant_id, uid, user_code, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
       ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
         uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
      [
        this.model,
        id,
        payload,
        payload.grantId ?? null,
        payload.uid ?? null,
        payload.userCode ?? null,
        expiresIn || null,
      ],
    );
    if (this.model === 'Session' && typeof payload.accountId === 'string' && typeof payload.uid === 'string') {
      // Where the signed-in session was last used, for the account space (« Sécurité »).
      const request = requestContext.current();
      await this.dataSource.query(
        `INSERT INTO oidc_session_device (session_uid, account_id, user_agent, ip_address, last_seen_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (session_uid) DO UPDATE SET account_id = EXCLUDED.account_id, last_seen_at = now(),
           user_agent = COALESCE(EXCLUDED.user_agent, oidc_session_device.user_agent),
           ip_address = COALESCE(EXCLUDED.ip_address, oidc_session_device.ip_address)`,
        [payload.uid, payload.accountId, request?.userAgent?.slice(0, 512) ?? null, request?.ipAddress ?? null],
      );
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.model === 'Client') return await this.clients.find(id);
    return this.findBy('id', id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findBy('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE oidc_payload SET consumed_at = now() WHERE model = $1 AND id = $2`, [
      this.model,
      id,
    ]);
  }

  async destroy(id: string): Promise<void> {
    const rows: Array<{ uid: string | null }> = await this.dataSource.query(
      `DELETE FROM oidc_payload WHERE model = $1 AND id = $2 RETURNING uid`,
      [this.model, id],
    );
    if (this.model === 'Session' && rows[0]?.uid) {
      await this.dataSource.query(`DELETE FROM oidc_session_device WHERE session_uid = $1`, [rows[0].uid]);
    }
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM oidc_payload WHERE grant_id = $1`, [grantId]);
  }

  private async findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const rows: Array<{ payload: AdapterPayload; consumed_at: Date | null }> = await this.dataSource.query(
      `SELECT payload, consumed_at FROM oidc_payload
       WHERE model = $1 AND ${column} = $2 AND (expires_at IS NULL OR expires_at > now())`,
      [this.model, value],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
  }
}
