import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Dossier } from './dossier.entity';

export const ITEM_KINDS = ['document', 'rdv', 'facture', 'tache', 'temps', 'frais'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** What each kind carries beside its title and date. */
export interface ItemDetails {
  /** rdv: where. */
  place?: string;
  /** rdv: the hour, « 14:30 ». */
  time?: string;
  /** facture: its number. */
  invoiceNumber?: string;
  /** facture (TTC), frais: in cents. */
  amountCents?: number;
  /** facture: `a-payer`, `payee`. */
  status?: 'a-payer' | 'payee';
  /** temps: minutes spent. */
  minutes?: number;
  /** tache: done or not. */
  done?: boolean;
}

/**
 * One element of a dossier: a document (reçu: sent by the firm; déposé: uploaded by a client), a rendez-vous, an invoice,
 * a task, a time entry or an expense. Nothing is visible to the clients until `sharedAt` is set (a client's own
 * uploads are shared from the start).
 */
@Entity('shared_item')
@Index('IDX_shared_item_dossier', ['dossierId'])
@Check('CHK_shared_item_kind', `"kind" IN ('document', 'rdv', 'facture', 'tache', 'temps', 'frais')`)
@Check('CHK_shared_item_direction', `"direction" IN ('recu', 'depose')`)
export class SharedItem {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_shared_item' })
  id: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @Column({ name: 'dossier_id', type: 'uuid' })
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id', foreignKeyConstraintName: 'FK_shared_item_dossier' })
  readonly dossierRow?: Dossier;

  @Column({ type: 'varchar', length: 16 })
  kind: ItemKind;

  /** Documents: `recu` (from the firm) or `depose` (by a client); `recu` for the other kinds. */
  @Column({ type: 'varchar', length: 8, default: 'recu' })
  direction: 'recu' | 'depose';

  /** Nom du document, objet du rendez-vous, libellé. */
  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ name: 'item_date', type: 'date' })
  itemDate: string;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  details: ItemDetails;

  @Column({ name: 'file_key', type: 'varchar', length: 200, nullable: true })
  fileKey: string | null;

  @Column({ name: 'file_type', type: 'varchar', length: 120, nullable: true })
  fileType: string | null;

  @Column({ name: 'file_name', type: 'varchar', length: 255, nullable: true })
  fileName: string | null;

  @Column({ name: 'file_size', type: 'integer', nullable: true })
  fileSize: number | null;

  /** The client who uploaded it (a document déposé). */
  @Column({ name: 'uploaded_by_client_id', type: 'uuid', nullable: true })
  uploadedByClientId: string | null;

  @Column({ name: 'shared_at', type: 'timestamptz', nullable: true })
  sharedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
