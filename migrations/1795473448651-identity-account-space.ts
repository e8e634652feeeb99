import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityAccountSpace1795473448651 implements MigrationInterface {
  name = 'IdentityAccountSpace1795473448651';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" ADD "contract_number" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "establishment" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "address_line" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "address_complement" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "postal_code" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "city" character varying(128)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "country" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "activation_reminded_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "account_secret" ADD "data" jsonb`);
    // A secret without account is a decoy ticket (a request that matched no account).
    await queryRunner.query(`ALTER TABLE "account_secret" ALTER COLUMN "account_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "account_secret" DROP CONSTRAINT "CHK_account_secret_purpose"`);
    await queryRunner.query(
      `ALTER TABLE "account_secret" ADD CONSTRAINT "CHK_account_secret_purpose" CHECK ("purpose" IN ('activation', 'password-reset', 'email-change'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "account_secret" WHERE "account_id" IS NULL OR "purpose" <> 'activation'`);
    await queryRunner.query(`ALTER TABLE "account_secret" DROP CONSTRAINT "CHK_account_secret_purpose"`);
    await queryRunner.query(
      `ALTER TABLE "account_secret" ADD CONSTRAINT "CHK_account_secret_purpose" CHECK ("purpose" IN ('activation'))`,
    );
    await queryRunner.query(`ALTER TABLE "account_secret" ALTER COLUMN "account_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "account_secret" DROP COLUMN "data"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "activation_reminded_at"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "country"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "city"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "postal_code"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "address_complement"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "address_line"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "establishment"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "contract_number"`);
  }
}
