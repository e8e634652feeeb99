import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A product's own brand (issue 19): the name, logo and colour that the sign-in pages of its sites show in their header.
 * Each is optional (the deployment's fills in); the colour is `#rrggbb`, its contrast checked by the application.
 */
export class SubscriptionsProductBrand1796121427813 implements MigrationInterface {
  name = 'SubscriptionsProductBrand1796121427813';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "product" ADD "brand_name" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "product" ADD "brand_logo_url" character varying(2000)`);
    await queryRunner.query(`ALTER TABLE "product" ADD "brand_primary_color" character varying(7)`);
    await queryRunner.query(
      `ALTER TABLE "product" ADD CONSTRAINT "CHK_product_brand_primary_color" CHECK ("brand_primary_color" ~ '^#[0-9a-f]{6}$')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "product" DROP CONSTRAINT "CHK_product_brand_primary_color"`);
    await queryRunner.query(`ALTER TABLE "product" DROP COLUMN "brand_primary_color"`);
    await queryRunner.query(`ALTER TABLE "product" DROP COLUMN "brand_logo_url"`);
    await queryRunner.query(`ALTER TABLE "product" DROP COLUMN "brand_name"`);
  }
}
