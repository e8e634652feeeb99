import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Invited accounts: where an account comes from, who invited it, and the invitation link's purpose. */
export class IdentityInvitations1796079011304 implements MigrationInterface {
  name = 'IdentityInvitations1796079011304';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" ADD "origin" character varying(16) NOT NULL DEFAULT 'registration'`);
    await queryRunner.query(`ALTER TABLE "account" ADD "invited_by" character varying(128)`);
    await queryRunner.query(
      `ALTER TABLE "account" ADD CONSTRAINT "CHK_account_origin" CHECK ("origin" IN ('registration', 'invitation'))`,
    );
    await queryRunner.query(`ALTER TABLE "account_secret" DROP CONSTRAINT "CHK_account_secret_purpose"`);
    await queryRunner.query(
      `ALTER TABLE "account_secret" ADD CONSTRAINT "CHK_account_secret_purpose" CHECK ("purpose" IN ('activation', 'invitation', 'password-reset', 'email-change'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "account_secret" WHERE "purpose" = 'invitation'`);
    await queryRunner.query(`ALTER TABLE "account_secret" DROP CONSTRAINT "CHK_account_secret_purpose"`);
    await queryRunner.query(
      `ALTER TABLE "account_secret" ADD CONSTRAINT "CHK_account_secret_purpose" CHECK ("purpose" IN ('activation', 'password-reset', 'email-change'))`,
    );
    await queryRunner.query(`ALTER TABLE "account" DROP CONSTRAINT "CHK_account_origin"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "invited_by"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "origin"`);
  }
}
