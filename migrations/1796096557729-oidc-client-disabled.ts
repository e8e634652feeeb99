import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A relying party disabled from the console: the provider no longer loads it. */
export class OidcClientDisabled1796096557729 implements MigrationInterface {
  name = 'OidcClientDisabled1796096557729';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "oidc_client" ADD "disabled_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "oidc_client" DROP COLUMN "disabled_at"`);
  }
}
