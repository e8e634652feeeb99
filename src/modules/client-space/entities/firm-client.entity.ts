import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Firm } from './firm.entity';

/** The contact details a firm keeps for a client (the seed's « Mettre à jour mes coordonnées » fields). */
export interface ClientContact {
  familyName: string;
  givenName: string;
  email: string;
  address: string;
  postalCode: string;
  city: string;
  phone: string;
  mobile: string;
}

/** A client of a firm: a person or a company, with its platform account (one identity across the spaces). */
@Entity('firm_client')
@Index('UQ_firm_client_firm_account', ['firmId', 'accountId'], { unique: true })
@Index('IDX_firm_client_account', ['accountId'])
@Check('CHK_firm_client_kind', `"kind" IN ('personne', 'societe')`)
export class FirmClient {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_firm_client' })
  id: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @ManyToOne(() => Firm, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'FK_firm_client_firm' })
  readonly firmRow?: Firm;

  @ForeignKey('Account', { onDelete: 'CASCADE', name: 'FK_firm_client_account' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: 'personne' | 'societe';

  /** The company's name (kind `societe`). */
  @Column({ name: 'company_name', type: 'varchar', length: 200, nullable: true })
  companyName: string | null;

  @Column({ type: 'jsonb' })
  contact: ClientContact;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
