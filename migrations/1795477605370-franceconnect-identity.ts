import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FranceconnectIdentity1795477605370 implements MigrationInterface {
  name = 'FranceconnectIdentity1795477605370';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "franceconnect_identity" ("sub" character varying(128) NOT NULL, "account_id" uuid NOT NULL, "given_name" character varying(256), "family_name" character varying(256), "preferred_username" character varying(256), "birthdate" character varying(10), "gender" character varying(8), "birthplace" character varying(5), "birthcountry" character varying(5), "email" character varying(254), "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_sign_in_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_franceconnect_identity" PRIMARY KEY ("sub"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_franceconnect_identity_account" ON "franceconnect_identity" ("account_id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "franceconnect_session" ("provider_session_uid" character varying(64) NOT NULL, "account_id" uuid NOT NULL, "id_token" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_franceconnect_session" PRIMARY KEY ("provider_session_uid"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_franceconnect_session_account" ON "franceconnect_session" ("account_id")`,
    );
    await queryRunner.query(`ALTER TABLE "account" ADD "identity_certified_by" character varying(16)`);
    await queryRunner.query(
      `ALTER TABLE "account" ADD CONSTRAINT "CHK_account_identity_certified_by" CHECK ("identity_certified_by" IN ('franceconnect'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "franceconnect_identity" ADD CONSTRAINT "FK_franceconnect_identity_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "franceconnect_session" ADD CONSTRAINT "FK_franceconnect_session_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "franceconnect_session" DROP CONSTRAINT "FK_franceconnect_session_account"`);
    await queryRunner.query(`ALTER TABLE "franceconnect_identity" DROP CONSTRAINT "FK_franceconnect_identity_account"`);
    await queryRunner.query(`ALTER TABLE "account" DROP CONSTRAINT "CHK_account_identity_certified_by"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "identity_certified_by"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_franceconnect_session_account"`);
    await queryRunner.query(`DROP TABLE "franceconnect_session"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_franceconnect_identity_account"`);
    await queryRunner.query(`DROP TABLE "franceconnect_identity"`);
  }
}
