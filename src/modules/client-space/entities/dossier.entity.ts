import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { FirmClient } from './firm-client.entity';
import { Firm, FirmStaff } from './firm.entity';

/** A dossier of a firm (« 2017IIDOS/1529 - ALEXAN »), its interlocutor at the firm, its clients. */
@Entity('dossier')
@Index('UQ_dossier_firm_number', ['firmId', 'number'], { unique: true })
export class Dossier {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_dossier' })
  id: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @ManyToOne(() => Firm, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'FK_dossier_firm' })
  readonly firmRow?: Firm;

  @Column({ type: 'varchar', length: 60 })
  number: string;

  @Column({ type: 'varchar', length: 200 })
  label: string;

  @Column({ name: 'interlocutor_id', type: 'uuid' })
  interlocutorId: string;

  @ManyToOne(() => FirmStaff, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'interlocutor_id', foreignKeyConstraintName: 'FK_dossier_interlocutor' })
  readonly interlocutorRow?: FirmStaff;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A client of a dossier. */
@Entity('dossier_client')
@Index('IDX_dossier_client_client', ['clientId'])
export class DossierClient {
  @ForeignKey(() => Dossier, { onDelete: 'CASCADE', name: 'FK_dossier_client_dossier' })
  @PrimaryColumn({ name: 'dossier_id', type: 'uuid', primaryKeyConstraintName: 'PK_dossier_client' })
  dossierId: string;

  @ForeignKey(() => FirmClient, { onDelete: 'CASCADE', name: 'FK_dossier_client_client' })
  @PrimaryColumn({ name: 'client_id', type: 'uuid', primaryKeyConstraintName: 'PK_dossier_client' })
  clientId: string;
}
