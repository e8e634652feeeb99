import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type AccountStatus = 'pending' | 'active' | 'disabled';

/** A person's account. `identifier` and `email` are stored lower-case; both sign in. */
@Entity('account')
@Index('UQ_account_identifier', ['identifier'], { unique: true })
@Index('UQ_account_email', ['email'], { unique: true })
@Check('CHK_account_status', `"status" IN ('pending', 'active', 'disabled')`)
export class Account {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_account' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  identifier: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified: boolean;

  @Column({ name: 'given_name', type: 'varchar', length: 128, nullable: true })
  givenName: string | null;

  @Column({ name: 'family_name', type: 'varchar', length: 128, nullable: true })
  familyName: string | null;

  /** argon2id, PHC string format. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: AccountStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
