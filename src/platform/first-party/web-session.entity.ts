import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A first-party session (the account space, or another registered space): its cookie holds a random token, this table
 * its SHA-256 only. It ends on sign-out, on expiry, or when the provider's session ends (back-channel logout to that
 * space, by `client_id` and `oidc_sid`).
 */
@Entity('web_session')
@Index('IDX_web_session_account_id', ['accountId'])
@Index('IDX_web_session_oidc_sid', ['oidcSid'])
export class WebSession {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_web_session' })
  tokenHash: string;

  /** The first-party client (space) the session belongs to. */
  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'oidc_sid', type: 'varchar', length: 255, nullable: true })
  oidcSid: string | null;

  /** Kept for the logout request (`id_token_hint`). */
  @Column({ name: 'id_token', type: 'text' })
  idToken: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
