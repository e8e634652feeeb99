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

/** A firm (a law firm, say) that shares dossiers with its clients; created by the platform's operators. */
@Entity('firm')
@Check('CHK_firm_primary_color', `"primary_color" ~ '^#[0-9a-f]{6}$'`)
export class Firm {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_firm' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Its clients' pages are drawn in this colour (a CSS custom property, `--cabinet-couleur`). */
  @Column({ name: 'primary_color', type: 'varchar', length: 7, default: '#1f4e79' })
  primaryColor: string;

  /** The logo in the file storage (`client-space/logos/<uuid>`) and its type, read from its content. */
  @Column({ name: 'logo_key', type: 'varchar', length: 200, nullable: true })
  logoKey: string | null;

  @Column({ name: 'logo_type', type: 'varchar', length: 100, nullable: true })
  logoType: string | null;

  /** « Payer en ligne » is offered on its invoices. */
  @Column({ name: 'online_payment', type: 'boolean', default: false })
  onlinePayment: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export const STAFF_ROLES = ['associe', 'assistant', 'lecture'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** A staff account of a firm, with its role. */
@Entity('firm_staff')
@Index('UQ_firm_staff_firm_account', ['firmId', 'accountId'], { unique: true })
@Index('IDX_firm_staff_account', ['accountId'])
@Check('CHK_firm_staff_role', `"role" IN ('associe', 'assistant', 'lecture')`)
export class FirmStaff {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_firm_staff' })
  id: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @ManyToOne(() => Firm, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'FK_firm_staff_firm' })
  readonly firmRow?: Firm;

  @ForeignKey('Account', { onDelete: 'CASCADE', name: 'FK_firm_staff_account' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ type: 'varchar', length: 16 })
  role: StaffRole;

  /** « DELMAS Fabien », as the clients see their interlocutor. */
  @Column({ name: 'display_name', type: 'varchar', length: 260 })
  displayName: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
