import type { MigrationInterface, QueryRunner } from 'typeorm';

/** First-party sessions belong to one space (client): a back-channel logout to a space ends only its sessions. */
export class PlatformWebSessionClient1796079250178 implements MigrationInterface {
  name = 'PlatformWebSessionClient1796079250178';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "web_session" ADD "client_id" character varying(255)`);
    // Every session so far was one of the account space.
    await queryRunner.query(`UPDATE "web_session" SET "client_id" = 'plateforme-compte'`);
    await queryRunner.query(`ALTER TABLE "web_session" ALTER COLUMN "client_id" SET NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "web_session" WHERE "client_id" <> 'plateforme-compte'`);
    await queryRunner.query(`ALTER TABLE "web_session" DROP COLUMN "client_id"`);
  }
}
