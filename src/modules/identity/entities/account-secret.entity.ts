import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';

export type SecretPurpose = 'activation' | 'invitation' | 'password-reset' | 'email-change';
export type SecretChannel = 'email' | 'sms';

/**
 * A single-use secret sent to a person: a link token (e-mail) or a 6-digit code (SMS). Only its HMAC is stored; it
 * expires, counts wrong tries, and is spent once used. The `id` is the public ticket a code page refers to. A secret
 * without account is a decoy: the ticket given when no account matched, which behaves as a real one and never opens.
 */
@Entity('account_secret')
@Index('IDX_account_secret_account', ['accountId', 'purpose'])
@Check('CHK_account_secret_purpose', `"purpose" IN ('activation', 'invitation', 'password-reset', 'email-change')`)
export class AccountSecret {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_account_secret' })
  id: string;

  @Column({ name: 'account_id', type: 'uuid', nullable: true })
  accountId: string | null;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_account_secret_account' })
  account?: Account;

  @Column({ type: 'varchar', length: 32 })
  purpose: SecretPurpose;

  @Column({ type: 'varchar', length: 8 })
  channel: SecretChannel;

  /** HMAC-SHA256 of the secret, hex, under a key derived from SECRET_KEY. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  @Index('UQ_account_secret_hash', { unique: true })
  secretHash: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /**
   * What the secret carries beside the account: the new address (e-mail change); who invited the person, and whether
   * the reminder went (invitation).
   */
  @Column({ type: 'jsonb', nullable: true })
  data: { email?: string; invitedBy?: string; reminded?: boolean } | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
