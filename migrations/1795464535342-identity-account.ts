import type { MigrationInterface, QueryRunner } from 'typeorm';

/** People's accounts: identifier and e-mail (both unique, stored lower-case), names, argon2id hash, status. */
export class IdentityAccount1795464535342 implements MigrationInterface {
  name = 'IdentityAccount1795464535342';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "identifier" character varying(64) NOT NULL, "email" character varying(254) NOT NULL, "email_verified" boolean NOT NULL DEFAULT false, "given_name" character varying(128), "family_name" character varying(128), "password_hash" character varying(255), "status" character varying(16) NOT NULL DEFAULT 'pending', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_account_status" CHECK ("status" IN ('pending', 'active', 'disabled')), CONSTRAINT "PK_account" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_account_email" ON "account" ("email")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_account_identifier" ON "account" ("identifier")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_account_identifier"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_account_email"`);
    await queryRunner.query(`DROP TABLE "account"`);
  }
}
