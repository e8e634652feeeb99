import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { Product } from './product.entity';
import { Subscription } from './subscription.entity';

/** A product in a subscription, with the sections it covers (all of the product's sections when `sections` is empty). */
@Entity('subscription_product')
@Index('IDX_subscription_product_product', ['productId'])
export class SubscriptionProduct {
  @PrimaryColumn({ name: 'subscription_id', type: 'uuid', primaryKeyConstraintName: 'PK_subscription_product' })
  subscriptionId: string;

  @PrimaryColumn({ name: 'product_id', type: 'uuid', primaryKeyConstraintName: 'PK_subscription_product' })
  productId: string;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'FK_subscription_product_product' })
  /** The foreign key only: never loaded. */
  readonly productRow?: Product;

  /** Section codes of the product covered by the subscription. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  sections: string[];

  @ManyToOne(() => Subscription, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id', foreignKeyConstraintName: 'FK_subscription_product_subscription' })
  /** The foreign key only: never loaded. */
  readonly subscriptionRow?: Subscription;
}
