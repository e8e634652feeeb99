import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/**
 * The FC ID token of a provider session opened through FranceConnect, kept for FC's logout (`id_token_hint`; FC
 * accepts it expired). Keyed by the provider session's `uid`; removed at logout, and by the purge with its session.
 */
@Entity('franceconnect_session')
@Index('IDX_franceconnect_session_account', ['accountId'])
export class FranceConnectSession {
  @PrimaryColumn({
    name: 'provider_session_uid',
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: 'PK_franceconnect_session',
  })
  providerSessionUid: string;

  /** References `account(id)`, deleted with it. */
  @ForeignKey('Account', { onDelete: 'CASCADE', name: 'FK_franceconnect_session_account' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'id_token', type: 'text' })
  idToken: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
