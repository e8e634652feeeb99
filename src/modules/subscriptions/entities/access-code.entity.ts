import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Subscription } from './subscription.entity';

/**
 * A subscription's access codes (« codes d'accès »): a login and the argon2id hash of its password, one pair per
 * subscription. Issuing them again replaces the row, with a new id: the id names the shared subject (`sub`) of the
 * provider sessions these codes opened, so the old codes' sessions no longer resolve.
 */
@Entity('access_code')
@Index('UQ_access_code_subscription', ['subscriptionId'], { unique: true })
@Index('UQ_access_code_login', ['login'], { unique: true })
export class AccessCode {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_access_code' })
  id: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @ManyToOne(() => Subscription, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id', foreignKeyConstraintName: 'FK_access_code_subscription' })
  /** The foreign key only: never loaded. */
  readonly subscriptionRow?: Subscription;

  /** `ABO-XXXX-XXXX`, stored without spaces, upper-case. */
  @Column({ type: 'varchar', length: 32 })
  login: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 255 })
  secretHash: string;

  @Column({ name: 'issued_at', type: 'timestamptz', default: () => 'now()' })
  issuedAt: Date;
}
