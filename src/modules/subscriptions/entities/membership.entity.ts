import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Subscription } from './subscription.entity';

/** An account in a subscription (one membership per account and subscription). */
@Entity('membership')
@Index('UQ_membership_subscription_account', ['subscriptionId', 'accountId'], { unique: true })
@Index('IDX_membership_account', ['accountId'])
export class Membership {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_membership' })
  id: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @ManyToOne(() => Subscription, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id', foreignKeyConstraintName: 'FK_membership_subscription' })
  /** The foreign key only: never loaded. */
  readonly subscriptionRow?: Subscription;

  @Column({ name: 'account_id', type: 'varchar', length: 128 })
  accountId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
