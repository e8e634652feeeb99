import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A resource server (an API) registered with the provider (RFC 8707 resource indicators): clients ask for an access
 * token for it with `resource=<identifier>` and get a JWT (RFC 9068) whose audience is that identifier. The platform's
 * own API is built in and not stored here.
 */
@Entity('oidc_resource_server')
export class OidcResourceServer {
  /** The resource indicator, an absolute URI without fragment. */
  @PrimaryColumn({ type: 'varchar', length: 2048, primaryKeyConstraintName: 'PK_oidc_resource_server' })
  identifier: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The scopes this API understands (a client gets those of them it is registered with). */
  @Column({ type: 'jsonb' })
  scopes: string[];

  @Column({ name: 'signing_alg', type: 'varchar', length: 16 })
  signingAlg: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
