import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { IdentityDocumentType } from './identity-document.entity';

/** The identity document a registration in steps keeps between attempts (the file is in the file storage). */
export interface DraftDocument {
  storageKey: string;
  /** The file's name as the person's device gave it, shown back to them (« Votre document X.pdf est conservé »). */
  name: string;
  mediaType: IdentityDocumentType;
  size: number;
}

/**
 * A company registration in steps (seed 004), held on the server between steps: what was typed (never a password), the
 * last step validated, and the identity document already received. Its id travels in a sealed cookie; drafts left
 * behind are purged with their file by `PendingAccountsJob` after `REGISTRATION_DRAFT_HOURS`.
 */
@Entity('registration_draft')
@Index('IDX_registration_draft_updated', ['updatedAt'])
export class RegistrationDraft {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_registration_draft' })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  profile: string;

  /** The last step whose fields were validated (0: none yet). */
  @Column({ type: 'smallint', default: 0 })
  step: number;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  values: Record<string, string | boolean>;

  @Column({ type: 'jsonb', nullable: true })
  document: DraftDocument | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
