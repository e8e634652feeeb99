import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/** A téléprocédure of the catalogue (AED, DADS-U, DPAE…): what company accounts subscribe to. */
@Entity('teleprocedure')
@Check('CHK_teleprocedure_code', `"code" ~ '^[A-Z0-9][A-Z0-9-]{0,31}$'`)
export class Teleprocedure {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_teleprocedure' })
  code: string;

  @Column({ type: 'varchar', length: 300 })
  description: string;

  /** Destinataires (Pôle Emploi, CNAV…). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  recipients: string[];

  /** The types of documents a company account may choose within it. */
  @Column({ name: 'document_types', type: 'jsonb', default: () => `'[]'` })
  documentTypes: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A company account's subscription to a téléprocédure. */
@Entity('company_teleprocedure')
@Index('IDX_company_teleprocedure_code', ['teleprocedureCode'])
export class CompanyTeleprocedure {
  @ForeignKey('CompanyAccount', { onDelete: 'CASCADE', name: 'FK_company_teleprocedure_company' })
  @PrimaryColumn({ name: 'company_account_id', type: 'uuid', primaryKeyConstraintName: 'PK_company_teleprocedure' })
  companyAccountId: string;

  @ForeignKey(() => Teleprocedure, { onDelete: 'CASCADE', name: 'FK_company_teleprocedure_teleprocedure' })
  @PrimaryColumn({
    name: 'teleprocedure_code',
    type: 'varchar',
    length: 32,
    primaryKeyConstraintName: 'PK_company_teleprocedure',
  })
  teleprocedureCode: string;
}
