import type { MigrationInterface, QueryRunner } from 'typeorm';

/** First-party sessions (account space): hashed token, account, provider session id, expiry. */
export class IdentityWebSession1795465632642 implements MigrationInterface {
  name = 'IdentityWebSession1795465632642';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "web_session" ("token_hash" character varying(64) NOT NULL, "account_id" uuid NOT NULL, "oidc_sid" character varying(255), "id_token" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_web_session" PRIMARY KEY ("token_hash"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_web_session_oidc_sid" ON "web_session" ("oidc_sid")`);
    await queryRunner.query(`CREATE INDEX "IDX_web_session_account_id" ON "web_session" ("account_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_web_session_account_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_web_session_oidc_sid"`);
    await queryRunner.query(`DROP TABLE "web_session"`);
  }
}
