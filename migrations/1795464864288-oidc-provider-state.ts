import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The OpenID provider's state (one row per item), its clients (secret encrypted) and its signing keys (encrypted). */
export class OidcProviderState1795464864288 implements MigrationInterface {
  name = 'OidcProviderState1795464864288';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oidc_client" ("client_id" character varying(255) NOT NULL, "metadata" jsonb NOT NULL, "secret_sealed" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_oidc_client" PRIMARY KEY ("client_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "oidc_payload" ("model" character varying(64) NOT NULL, "id" character varying(255) NOT NULL, "payload" jsonb NOT NULL, "grant_id" character varying(255), "uid" character varying(255), "user_code" character varying(255), "expires_at" TIMESTAMP WITH TIME ZONE, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_oidc_payload" PRIMARY KEY ("model", "id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_oidc_payload_expires_at" ON "oidc_payload" ("expires_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_oidc_payload_user_code" ON "oidc_payload" ("user_code")`);
    await queryRunner.query(`CREATE INDEX "IDX_oidc_payload_uid" ON "oidc_payload" ("uid")`);
    await queryRunner.query(`CREATE INDEX "IDX_oidc_payload_grant_id" ON "oidc_payload" ("grant_id")`);
    await queryRunner.query(
      `CREATE TABLE "oidc_signing_key" ("kid" character varying(64) NOT NULL, "alg" character varying(16) NOT NULL, "private_jwk_sealed" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "activates_at" TIMESTAMP WITH TIME ZONE NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_oidc_signing_key" PRIMARY KEY ("kid"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oidc_signing_key"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_oidc_payload_grant_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_oidc_payload_uid"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_oidc_payload_user_code"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_oidc_payload_expires_at"`);
    await queryRunner.query(`DROP TABLE "oidc_payload"`);
    await queryRunner.query(`DROP TABLE "oidc_client"`);
  }
}
