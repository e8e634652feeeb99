import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * « Facturation » (billing date, billing address), the rest of « Options » (relevés de comptes, archivage à valeur
 * probatoire), and the mailbox (its address, and the password reset a switch to a mailbox requires). Existing primary
 * accounts are billed from their creation date.
 */
export class SecondaryAccountsBillingOptionsMailbox1796093693348 implements MigrationInterface {
  name = 'SecondaryAccountsBillingOptionsMailbox1796093693348';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_date" date`);
    await queryRunner.query(
      `ALTER TABLE "company_account" ADD "billing_uses_responsable_address" boolean NOT NULL DEFAULT true`,
    );
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_street_number" character varying(10)`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_street_suffix" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_street_name" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_address_complement" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_po_box" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_postal_code" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_city" character varying(128)`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "billing_country" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "statements_subscribed" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "statements_alert" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `ALTER TABLE "company_account" ADD "statements_mailbox" character varying(16) NOT NULL DEFAULT 'default'`,
    );
    await queryRunner.query(`ALTER TABLE "company_account" ADD "archiving_subscribed" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "company_account" ADD "mailbox_address" character varying(254)`);
    await queryRunner.query(
      `ALTER TABLE "company_account" ADD "password_reset_required" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `UPDATE "company_account" SET "billing_date" = ("created_at" AT TIME ZONE 'Europe/Paris')::date WHERE "profile" = 'primary'`,
    );
    await queryRunner.query(
      `ALTER TABLE "company_account" ADD CONSTRAINT "CHK_company_account_statements_mailbox" CHECK ("statements_mailbox" IN ('default', 'dedicated'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "company_account" DROP CONSTRAINT "CHK_company_account_statements_mailbox"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "password_reset_required"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "mailbox_address"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "archiving_subscribed"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "statements_mailbox"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "statements_alert"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "statements_subscribed"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_country"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_city"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_postal_code"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_po_box"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_address_complement"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_street_name"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_street_suffix"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_street_number"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_uses_responsable_address"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP COLUMN "billing_date"`);
  }
}
