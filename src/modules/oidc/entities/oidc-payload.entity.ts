import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every piece of the provider's state (sessions, interactions, grants, codes, tokens, ...), one row per item, so that
 * any instance can serve any step of a flow. Columns beside `payload` are what the provider looks items up by.
 */
@Entity('oidc_payload')
@Index('IDX_oidc_payload_grant_id', ['grantId'])
@Index('IDX_oidc_payload_uid', ['uid'])
@Index('IDX_oidc_payload_user_code', ['userCode'])
@Index('IDX_oidc_payload_expires_at', ['expiresAt'])
// Expression index on the grants' account and client (migration oidc-grant-lookup-index): not described here.
@Index('IDX_oidc_payload_grant_account_client', { synchronize: false })
export class OidcPayload {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_oidc_payload' })
  model: string;

  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'PK_oidc_payload' })
  id: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'grant_id', type: 'varchar', length: 255, nullable: true })
  grantId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  uid: string | null;

  @Column({ name: 'user_code', type: 'varchar', length: 255, nullable: true })
  userCode: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt: Date | null;
}
