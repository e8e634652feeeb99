import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityRegistration1795471975043 implements MigrationInterface {
  name = 'IdentityRegistration1795471975043';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account_secret" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "purpose" character varying(32) NOT NULL, "channel" character varying(8) NOT NULL, "secret_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_account_secret_purpose" CHECK ("purpose" IN ('activation')), CONSTRAINT "PK_account_secret" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_account_secret_hash" ON "account_secret" ("secret_hash")`);
    await queryRunner.query(`CREATE INDEX "IDX_account_secret_account" ON "account_secret" ("account_id", "purpose")`);
    await queryRunner.query(`ALTER TABLE "account" ADD "profile" character varying(16) NOT NULL DEFAULT 'citoyen'`);
    await queryRunner.query(`ALTER TABLE "account" ADD "civility" character varying(8)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "usage_name" character varying(128)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "birth_date" date`);
    await queryRunner.query(`ALTER TABLE "account" ADD "mobile_phone" character varying(20)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "mobile_phone_verified" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "account" ADD "landline_phone" character varying(20)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "occupation" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "job_title" character varying(128)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "organisation_name" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "siren" character varying(9)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "siret" character varying(14)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "rna" character varying(10)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "email_mailing_consent" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "account" ADD "sms_mailing_consent" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "account" ADD "terms_version" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "terms_accepted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "account" ADD "privacy_version" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "privacy_accepted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "account" ADD CONSTRAINT "CHK_account_profile" CHECK ("profile" IN ('citoyen', 'entreprise', 'association'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "account_secret" ADD CONSTRAINT "FK_account_secret_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_secret" DROP CONSTRAINT "FK_account_secret_account"`);
    await queryRunner.query(`ALTER TABLE "account" DROP CONSTRAINT "CHK_account_profile"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "privacy_accepted_at"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "privacy_version"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "terms_accepted_at"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "terms_version"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "sms_mailing_consent"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "email_mailing_consent"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "rna"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "siret"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "siren"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "organisation_name"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "job_title"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "occupation"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "landline_phone"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "mobile_phone_verified"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "mobile_phone"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "birth_date"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "usage_name"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "civility"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "profile"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_account_secret_account"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_account_secret_hash"`);
    await queryRunner.query(`DROP TABLE "account_secret"`);
  }
}
