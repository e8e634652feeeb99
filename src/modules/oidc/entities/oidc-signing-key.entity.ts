import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A signing key of the provider. Published in the JWKS from its creation; signs from `activatesAt`; stops signing at
 * `retiredAt` and stays published until what it signed has expired.
 */
@Entity('oidc_signing_key')
export class OidcSigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_oidc_signing_key' })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  alg: string;

  /** The private JWK, encrypted with a key derived from SECRET_KEY. */
  @Column({ name: 'private_jwk_sealed', type: 'text' })
  privateJwkSealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'activates_at', type: 'timestamptz' })
  activatesAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
