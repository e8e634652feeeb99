import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * One payment opened at a provider for something the platform sells or bills (`purpose`, `reference`: an invoice of
 * the client space, say). Its status moves only on the provider's signed webhook, never on the buyer's return.
 */
@Entity('payment')
@Check('CHK_payment_status', `"status" IN ('pending', 'succeeded', 'failed', 'cancelled')`)
@Check('CHK_payment_amount', `"amount_cents" > 0`)
@Index('UQ_payment_provider_session', ['provider', 'providerSessionId'], { unique: true })
@Index('IDX_payment_purpose_reference', ['purpose', 'reference'])
export class Payment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_payment' })
  id: string;

  /** `test` or `stripe`. */
  @Column({ type: 'varchar', length: 20 })
  provider: string;

  /** The provider's checkout session id (`cs_…` at Stripe); set once the session exists. */
  @Column({ name: 'provider_session_id', type: 'varchar', length: 255, nullable: true })
  providerSessionId: string | null;

  /** What the payment is for, named by the module that opened it (`client-space.invoice`). */
  @Column({ type: 'varchar', length: 100 })
  purpose: string;

  /** The paid thing's id in that module. */
  @Column({ type: 'varchar', length: 200 })
  reference: string;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  @Column({ type: 'varchar', length: 20 })
  status: PaymentStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** When the provider's webhook settled it (succeeded, failed or cancelled). */
  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt: Date | null;
}
