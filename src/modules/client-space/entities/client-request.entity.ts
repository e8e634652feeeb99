import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Dossier } from './dossier.entity';
import type { ClientContact } from './firm-client.entity';
import { FirmClient } from './firm-client.entity';

/** « Mettre à jour mes coordonnées »: what the client asks; their data changes only when the firm accepts. */
@Entity('contact_change_request')
@Index('IDX_contact_change_request_client', ['clientId'])
@Check('CHK_contact_change_request_status', `"status" IN ('en-attente', 'acceptee', 'refusee')`)
export class ContactChangeRequest {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_contact_change_request' })
  id: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @ManyToOne(() => FirmClient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'FK_contact_change_request_client' })
  readonly clientRow?: FirmClient;

  @Column({ type: 'jsonb' })
  requested: ClientContact;

  @Column({ type: 'varchar', length: 16, default: 'en-attente' })
  status: 'en-attente' | 'acceptee' | 'refusee';

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A file joined to a message. */
export interface MessageAttachment {
  key: string;
  type: string;
  name: string;
  size: number;
}

/** A message of a dossier's thread, between a client and the firm (« Contacter l’interlocuteur »). */
@Entity('dossier_message')
@Index('IDX_dossier_message_dossier', ['dossierId'])
@Check('CHK_dossier_message_author', `"author" IN ('client', 'cabinet')`)
export class DossierMessage {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_dossier_message' })
  id: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @Column({ name: 'dossier_id', type: 'uuid' })
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id', foreignKeyConstraintName: 'FK_dossier_message_dossier' })
  readonly dossierRow?: Dossier;

  /** The client of the thread (a dossier with several clients has one thread per client). */
  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @ManyToOne(() => FirmClient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'FK_dossier_message_client' })
  readonly clientRow?: FirmClient;

  @Column({ type: 'varchar', length: 8 })
  author: 'client' | 'cabinet';

  @Column({ name: 'author_name', type: 'varchar', length: 260 })
  authorName: string;

  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;

  /** Its files, stored like the documents (`client-space/documents/<uuid>`), checked like the uploads. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  attachments: MessageAttachment[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
