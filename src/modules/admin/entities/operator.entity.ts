import { Check, Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/** The operators' roles, from the least to the most powerful. */
export const OPERATOR_ROLES = ['lecture', 'support', 'super-admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** An account that may use the operators' console (`/admin`), with its role. */
@Entity('operator')
@Check('CHK_operator_role', `"role" IN ('lecture', 'support', 'super-admin')`)
export class Operator {
  /** Identity's account id (a reference across modules: an id, not a relation); a deleted account is no operator. */
  @ForeignKey('Account', { onDelete: 'CASCADE', name: 'FK_operator_account' })
  @PrimaryColumn({ name: 'account_id', type: 'uuid', primaryKeyConstraintName: 'PK_operator' })
  accountId: string;

  @Column({ type: 'varchar', length: 16 })
  role: OperatorRole;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
