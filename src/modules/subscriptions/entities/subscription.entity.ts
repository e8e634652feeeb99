import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * The account-management mode (« mode de gestion de compte personnel »): `self-declaration` (« auto-déclaration »),
 * `administrator-managed` (« gestion par administrateur »), `no-personal-account` (« pas de compte personnel »).
 */
export const ACCOUNT_MODES = ['self-declaration', 'administrator-managed', 'no-personal-account'] as const;
export type AccountMode = (typeof ACCOUNT_MODES)[number];

/** A subscriber's subscription (« abonnement ») to products, for a number of seats, between two dates. */
@Entity('subscription')
@Check(
  'CHK_subscription_mode',
  `"account_mode" IN ('self-declaration', 'administrator-managed', 'no-personal-account')`,
)
@Check('CHK_subscription_seats', `"seats" >= 0`)
@Check('CHK_subscription_dates', `"ends_on" >= "starts_on"`)
export class Subscription {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_subscription' })
  id: string;

  /** The subscriber (« abonné »): an organisation's or a person's name, as customer service knows it. */
  @Column({ type: 'varchar', length: 200 })
  subscriber: string;

  /** How many accounts may be members at once. */
  @Column({ type: 'integer' })
  seats: number;

  /** First and last days of the subscription, inclusive, in Paris time (`YYYY-MM-DD`). */
  @Column({ name: 'starts_on', type: 'date' })
  startsOn: string;

  @Column({ name: 'ends_on', type: 'date' })
  endsOn: string;

  @Column({ name: 'account_mode', type: 'varchar', length: 32 })
  accountMode: AccountMode;

  /** The last expiry warning sent to the administrators: 30 or 7 (days before the end), or none yet. */
  @Column({ name: 'expiry_warning_days', type: 'smallint', nullable: true })
  expiryWarningDays: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
