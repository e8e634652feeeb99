import { Column, ForeignKey, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An FC identity linked to an account, by FC's `sub` only (pairwise per service provider, the one stable key). One
 * per account. The pivot identity received at the last sign-in is kept, to show it read-only in « Mon compte ».
 */
@Entity('franceconnect_identity')
@Index('UQ_franceconnect_identity_account', ['accountId'], { unique: true })
export class FranceConnectIdentity {
  @PrimaryColumn({ type: 'varchar', length: 128, primaryKeyConstraintName: 'PK_franceconnect_identity' })
  sub: string;

  /** References `account(id)`, deleted with it. */
  @ForeignKey('Account', { onDelete: 'CASCADE', name: 'FK_franceconnect_identity_account' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'given_name', type: 'varchar', length: 256, nullable: true })
  givenName: string | null;

  @Column({ name: 'family_name', type: 'varchar', length: 256, nullable: true })
  familyName: string | null;

  /** Nom d'usage (often empty). */
  @Column({ name: 'preferred_username', type: 'varchar', length: 256, nullable: true })
  preferredUsername: string | null;

  /** `YYYY-MM-DD` as FC sends it (presumed dates use `-01`). */
  @Column({ type: 'varchar', length: 10, nullable: true })
  birthdate: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  gender: string | null;

  /** INSEE commune code; empty when born abroad. */
  @Column({ type: 'varchar', length: 5, nullable: true })
  birthplace: string | null;

  /** INSEE country code (`99100` = France). */
  @Column({ type: 'varchar', length: 5, nullable: true })
  birthcountry: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @CreateDateColumn({ name: 'linked_at', type: 'timestamptz' })
  linkedAt: Date;

  @Column({ name: 'last_sign_in_at', type: 'timestamptz', nullable: true })
  lastSignInAt: Date | null;
}
