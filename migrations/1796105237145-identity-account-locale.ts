import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The language of an account's e-mails: the one its holder used at sign-up (docs/i18n.md). */
export class IdentityAccountLocale1796105237145 implements MigrationInterface {
  name = 'IdentityAccountLocale1796105237145';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" ADD "locale" character varying(8) NOT NULL DEFAULT 'fr'`);
    await queryRunner.query(
      `ALTER TABLE "account" ADD CONSTRAINT "CHK_account_locale" CHECK ("locale" IN ('fr', 'en'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" DROP CONSTRAINT "CHK_account_locale"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "locale"`);
  }
}
