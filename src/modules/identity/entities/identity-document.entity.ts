import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';

export type IdentityDocumentKind = 'carte-identite' | 'passeport' | 'titre-sejour';
export type IdentityDocumentType = 'image/png' | 'image/jpeg' | 'application/pdf';

/** An identity document given at registration; the file itself is in the file storage under `storageKey`. */
@Entity('identity_document')
@Index('IDX_identity_document_account', ['accountId'])
@Check('CHK_identity_document_kind', `"kind" IN ('carte-identite', 'passeport', 'titre-sejour')`)
@Check('CHK_identity_document_media_type', `"media_type" IN ('image/png', 'image/jpeg', 'application/pdf')`)
export class IdentityDocument {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_identity_document' })
  id: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_identity_document_account' })
  account?: Account;

  @Column({ type: 'varchar', length: 16 })
  kind: IdentityDocumentKind;

  /** Read from the content, never from the name the file had. */
  @Column({ name: 'media_type', type: 'varchar', length: 32 })
  mediaType: IdentityDocumentType;

  @Column({ type: 'integer' })
  size: number;

  @Column({ name: 'storage_key', type: 'varchar', length: 128 })
  storageKey: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
