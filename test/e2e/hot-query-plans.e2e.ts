import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The statements of the hot paths (docs/performance.md), explained on a table of some thousands of rows: each finds its
 * rows through an index, never by reading a whole table.
 */
const HOT_QUERIES: Record<string, string> = {
  'item by id (every provider read)': `SELECT payload, consumed_at FROM oidc_payload WHERE model = 'Session' AND id = 'session-1' AND (expires_at IS NULL OR expires_at > now())`,
  'session by uid (token, userinfo)': `SELECT payload, consumed_at FROM oidc_payload WHERE model = 'Session' AND uid = 'uid-1' AND (expires_at IS NULL OR expires_at > now())`,
  'remembered consent (each sign-in)': `SELECT id FROM oidc_payload WHERE model = 'Grant' AND payload->>'accountId' = 'account-1' AND payload->>'clientId' = 'site-1' AND (expires_at IS NULL OR expires_at > now()) ORDER BY expires_at DESC NULLS LAST LIMIT 1`,
  'tokens of a grant (revocation)': `DELETE FROM oidc_payload WHERE grant_id = 'grant-1'`,
  'client (cache miss)': `SELECT * FROM oidc_client WHERE client_id = 'site-1'`,
  'throttle counter': `SELECT blocked_until FROM sign_in_throttle WHERE key = 'account:1'`,
  'account by identifier (sign-in)': `SELECT id FROM account WHERE identifier = 'camille.durand'`,
  'account by e-mail (sign-in)': `SELECT id FROM account WHERE email = 'camille@example.fr'`,
  'products of a client (claims)': `SELECT p.id FROM product_client pc JOIN product p ON p.id = pc.product_id WHERE pc.client_id = 'site-1'`,
  'devices of an account (« Sécurité »)': `SELECT * FROM oidc_session_device WHERE account_id = 'account-1'`,
};

describe('Plans of the hot queries (EXPLAIN)', () => {
  let database: TestDatabase;
  let sql: Client;

  before(async () => {
    database = await createTestDatabase();
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    // Some thousands of provider items of every kind, grants of many accounts and sites, and throttle counters.
    await sql.query(
      `INSERT INTO oidc_payload (model, id, payload, grant_id, uid, expires_at)
       SELECT (ARRAY['Session','Grant','AccessToken','AuthorizationCode','Interaction'])[1 + i % 5], 'item-' || i,
         jsonb_build_object('accountId', 'account-' || (i % 500), 'clientId', 'site-' || (i % 20)),
         'grant-' || (i % 3000), 'uid-' || i, now() + interval '1 hour'
       FROM generate_series(1, 20000) AS i`,
    );
    await sql.query(
      `INSERT INTO sign_in_throttle (key, failures, last_failure_at) SELECT 'account:' || i, 1, now() FROM generate_series(1, 5000) AS i`,
    );
    await sql.query(
      `INSERT INTO oidc_session_device (session_uid, account_id) SELECT 'uid-' || i, 'account-' || (i % 500) FROM generate_series(1, 5000) AS i`,
    );
    await sql.query('ANALYZE');
  });
  after(async () => {
    await sql?.end();
    await database?.drop();
  });

  for (const [name, query] of Object.entries(HOT_QUERIES)) {
    it(`${name}: through an index`, async () => {
      const { rows } = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      const big = ['oidc_payload', 'sign_in_throttle', 'oidc_session_device'];
      for (const table of big) assert.doesNotMatch(plan, new RegExp(`Seq Scan on ${table}\\b`), plan);
    });
  }
});
