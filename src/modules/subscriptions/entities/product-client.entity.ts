import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Product } from './product.entity';

/** An OIDC client of a product: a client belongs to one product at most (the primary key says so). */
@Entity('product_client')
@Index('IDX_product_client_product', ['productId'])
export class ProductClient {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255, primaryKeyConstraintName: 'PK_product_client' })
  clientId: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'FK_product_client_product' })
  /** The foreign key only: never loaded. */
  readonly productRow?: Product;
}
