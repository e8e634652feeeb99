import { Check, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Membership } from './membership.entity';
import { Product } from './product.entity';

/** `reader` (« Lecteur »), `administrator` (« Administrateur »). */
export const MEMBER_ROLES = ['reader', 'administrator'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/**
 * A role of a member on a product of the subscription, for the whole product (`section` empty) or one of its sections:
 * the seed's « Lecteur ? » / « Admin ? » boxes, one row per ticked box.
 */
@Entity('membership_role')
@Check('CHK_membership_role_role', `"role" IN ('reader', 'administrator')`)
export class MembershipRole {
  @PrimaryColumn({ name: 'membership_id', type: 'uuid', primaryKeyConstraintName: 'PK_membership_role' })
  membershipId: string;

  @PrimaryColumn({ name: 'product_id', type: 'uuid', primaryKeyConstraintName: 'PK_membership_role' })
  productId: string;

  @PrimaryColumn({ type: 'varchar', length: 64, default: '', primaryKeyConstraintName: 'PK_membership_role' })
  section: string;

  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'PK_membership_role' })
  role: MemberRole;

  @ManyToOne(() => Membership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id', foreignKeyConstraintName: 'FK_membership_role_membership' })
  /** The foreign key only: never loaded. */
  readonly membershipRow?: Membership;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'FK_membership_role_product' })
  /** The foreign key only: never loaded. */
  readonly productRow?: Product;
}
