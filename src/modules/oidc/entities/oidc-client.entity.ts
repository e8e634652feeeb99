import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A relying party registered with the provider. Its secret is stored encrypted, never in `metadata`. */
@Entity('oidc_client')
export class OidcClient {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255, primaryKeyConstraintName: 'PK_oidc_client' })
  clientId: string;

  /** OpenID client metadata (RFC 7591 names), without `client_id` and `client_secret`. */
  @Column({ type: 'jsonb' })
  metadata: Record<string, unknown>;

  @Column({ name: 'secret_sealed', type: 'text', nullable: true })
  secretSealed: string | null;

  /** Disabled from the console: the provider no longer knows the client (sign-ins and tokens refused). */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
