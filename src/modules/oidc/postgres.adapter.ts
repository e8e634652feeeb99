import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { requestContext } from '../../platform/http/request-context';
import type { ClientRegistry } from './client.registry';

/**
 * Items read during the current HTTP request, by `model:id` (`undefined`: written or removed since, read it again).
 * Kept with the request only: another request, here or on another instance, always reads the database.
 */
const reads = new WeakMap<object, Map<string, AdapterPayload | undefined>>();

function memo(): Map<string, AdapterPayload | undefined> | undefined {
  const context = requestContext.current();
  if (!context) return undefined;
  let map = reads.get(context);
  if (!map) reads.set(context, (map = new Map<string, AdapterPayload | undefined>()));
  return map;
}

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
    const values = [
      this.model,
      id,
      payload,
      payload.grantId ?? null,
      payload.uid ?? null,
      payload.userCode ?? null,
      expiresIn || null,
    ];
    const upsert = `INSERT INTO oidc_payload (model, id, payload, grant_id, uid, user_code, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
       ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
         uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`;
    memo()?.set(this.key(id), undefined);
    if (this.model === 'Session' && typeof payload.accountId === 'string' && typeof payload.uid === 'string') {
      // Where the signed-in session was last used, for the account space (« Sécurité »): in the same statement.
      const request = requestContext.current();
      await this.dataSource.query(
        `WITH saved AS (${upsert})
         INSERT INTO oidc_session_device (session_uid, account_id, user_agent, ip_address, last_seen_at)
         VALUES ($5, $8, $9, $10, now())
         ON CONFLICT (session_uid) DO UPDATE SET account_id = EXCLUDED.account_id, last_seen_at = now(),
           user_agent = COALESCE(EXCLUDED.user_agent, oidc_session_device.user_agent),
           ip_address = COALESCE(EXCLUDED.ip_address, oidc_session_device.ip_address)`,
        [...values, payload.accountId, request?.userAgent?.slice(0, 512) ?? null, request?.ipAddress ?? null],
      );
      return;
    }
    await this.dataSource.query(upsert, values);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.model === 'Client') return await this.clients.find(id);
    // Read once per request: the provider and the interaction pages load the same item several times in one request.
    const memory = memo();
    const key = this.key(id);
    const known = memory?.get(key);
    if (known) return structuredClone(known);
    const found = await this.findBy('id', id);
    if (found && memory && !memory.has(key)) memory.set(key, structuredClone(found));
    return found;
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findBy('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    memo()?.set(this.key(id), undefined);
    await this.dataSource.query(`UPDATE oidc_payload SET consumed_at = now() WHERE model = $1 AND id = $2`, [
      this.model,
      id,
    ]);
  }

  async destroy(id: string): Promise<void> {
    memo()?.set(this.key(id), undefined);
    const rows: Array<{ uid: string | null }> = await this.dataSource.query(
      `DELETE FROM oidc_payload WHERE model = $1 AND id = $2 RETURNING uid`,
      [this.model, id],
    );
    if (this.model === 'Session' && rows[0]?.uid) {
      await this.dataSource.query(`DELETE FROM oidc_session_device WHERE session_uid = $1`, [rows[0].uid]);
    }
  }

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  /**
   * This model's items bound to the grant (the provider calls it once per token model). Only this model's: an
   * interaction carries the grant it would extend, and a logout inside it (`prompt=login` as someone else: the provider
   * ends the other subject's session, revoking its grants, then resumes the interaction) must find it again.
   */
  async revokeByGrantId(grantId: string): Promise<void> {
    memo()?.clear();
    await this.dataSource.query(`DELETE FROM oidc_payload WHERE model = $1 AND grant_id = $2`, [this.model, grantId]);
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
