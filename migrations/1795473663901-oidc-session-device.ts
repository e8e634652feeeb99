import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OidcSessionDevice1795473663901 implements MigrationInterface {
  name = 'OidcSessionDevice1795473663901';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oidc_session_device" ("session_uid" character varying(255) NOT NULL, "account_id" character varying(255) NOT NULL, "user_agent" character varying(512), "ip_address" character varying(64), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_oidc_session_device" PRIMARY KEY ("session_uid"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_oidc_session_device_account" ON "oidc_session_device" ("account_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_oidc_session_device_account"`);
    await queryRunner.query(`DROP TABLE "oidc_session_device"`);
  }
}
