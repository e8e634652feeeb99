import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A section of a product (« rubrique »: Assurances, Civil, Code de l’avocat…), in the order the product lists them. */
export interface ProductSection {
  code: string;
  name: string;
}

/** A service site that relies on the platform (one or more OIDC clients): the seed's « produit ». */
@Entity('product')
@Index('UQ_product_code', ['code'], { unique: true })
@Check('CHK_product_code', `"code" ~ '^[a-z0-9][a-z0-9-]*$'`)
@Check('CHK_product_brand_primary_color', `"brand_primary_color" ~ '^#[0-9a-f]{6}$'`)
export class Product {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_product' })
  id: string;

  /** Lower-case letters, digits and hyphens (`dalloz-avocat`): what operators and the claim name it by. */
  @Column({ type: 'varchar', length: 64 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Where « Mes abonnements » sends the person (the site signs them in by SSO). */
  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  sections: ProductSection[];

  /** When true, nobody without an active membership signs in to the product's clients. */
  @Column({ name: 'subscription_required', type: 'boolean', default: true })
  subscriptionRequired: boolean;

  /**
   * The product's brand on the sign-in pages of its sites (header: name, logo, colour); each optional, the deployment's
   * fills in. The colour is checked by `brandColourProblem` (WCAG 2.1 AA), the logo by `brandLogoProblem`.
   */
  @Column({ name: 'brand_name', type: 'varchar', length: 200, nullable: true })
  brandName: string | null;

  @Column({ name: 'brand_logo_url', type: 'varchar', length: 2000, nullable: true })
  brandLogoUrl: string | null;

  @Column({ name: 'brand_primary_color', type: 'varchar', length: 7, nullable: true })
  brandPrimaryColor: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
