import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Products and their OIDC clients, subscriptions and the products (and sections) they cover, memberships and their
 * roles per product and section (issue 15).
 */
export class SubscriptionsModel1796083073984 implements MigrationInterface {
  name = 'SubscriptionsModel1796083073984';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "subscription" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "subscriber" character varying(200) NOT NULL, "seats" integer NOT NULL, "starts_on" date NOT NULL, "ends_on" date NOT NULL, "account_mode" character varying(32) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_subscription_dates" CHECK ("ends_on" >= "starts_on"), CONSTRAINT "CHK_subscription_seats" CHECK ("seats" >= 0), CONSTRAINT "CHK_subscription_mode" CHECK ("account_mode" IN ('self-declaration', 'administrator-managed', 'no-personal-account')), CONSTRAINT "PK_subscription" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "membership" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "subscription_id" uuid NOT NULL, "account_id" character varying(128) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_membership" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_membership_account" ON "membership"  ("account_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_membership_subscription_account" ON "membership"  ("subscription_id", "account_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "product" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "url" character varying(2000) NOT NULL, "sections" jsonb NOT NULL DEFAULT '[]', "subscription_required" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_product_code" CHECK ("code" ~ '^[a-z0-9][a-z0-9-]*$'), CONSTRAINT "PK_product" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_product_code" ON "product"  ("code") `);
    await queryRunner.query(
      `CREATE TABLE "membership_role" ("membership_id" uuid NOT NULL, "product_id" uuid NOT NULL, "section" character varying(64) NOT NULL DEFAULT '', "role" character varying(16) NOT NULL, CONSTRAINT "CHK_membership_role_role" CHECK ("role" IN ('reader', 'administrator')), CONSTRAINT "PK_membership_role" PRIMARY KEY ("membership_id", "product_id", "section", "role"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "product_client" ("client_id" character varying(255) NOT NULL, "product_id" uuid NOT NULL, CONSTRAINT "PK_product_client" PRIMARY KEY ("client_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_product_client_product" ON "product_client"  ("product_id") `);
    await queryRunner.query(
      `CREATE TABLE "subscription_product" ("subscription_id" uuid NOT NULL, "product_id" uuid NOT NULL, "sections" jsonb NOT NULL DEFAULT '[]', CONSTRAINT "PK_subscription_product" PRIMARY KEY ("subscription_id", "product_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_subscription_product_product" ON "subscription_product"  ("product_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "membership" ADD CONSTRAINT "FK_membership_subscription" FOREIGN KEY ("subscription_id") REFERENCES "subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "membership_role" ADD CONSTRAINT "FK_membership_role_membership" FOREIGN KEY ("membership_id") REFERENCES "membership"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "membership_role" ADD CONSTRAINT "FK_membership_role_product" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "product_client" ADD CONSTRAINT "FK_product_client_product" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "subscription_product" ADD CONSTRAINT "FK_subscription_product_product" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "subscription_product" ADD CONSTRAINT "FK_subscription_product_subscription" FOREIGN KEY ("subscription_id") REFERENCES "subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping a table drops its indexes and the foreign keys it holds: children first.
    await queryRunner.query(`DROP TABLE "membership_role"`);
    await queryRunner.query(`DROP TABLE "membership"`);
    await queryRunner.query(`DROP TABLE "subscription_product"`);
    await queryRunner.query(`DROP TABLE "product_client"`);
    await queryRunner.query(`DROP TABLE "product"`);
    await queryRunner.query(`DROP TABLE "subscription"`);
  }
}
