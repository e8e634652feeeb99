import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityDocument1795475360519 implements MigrationInterface {
  name = 'IdentityDocument1795475360519';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "identity_document" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "media_type" character varying(32) NOT NULL, "size" integer NOT NULL, "storage_key" character varying(128) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_identity_document_media_type" CHECK ("media_type" IN ('image/png', 'image/jpeg', 'application/pdf')), CONSTRAINT "CHK_identity_document_kind" CHECK ("kind" IN ('carte-identite', 'passeport', 'titre-sejour')), CONSTRAINT "PK_identity_document" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_identity_document_account" ON "identity_document" ("account_id")`);
    await queryRunner.query(
      `ALTER TABLE "identity_document" ADD CONSTRAINT "FK_identity_document_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity_document" DROP CONSTRAINT "FK_identity_document_account"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_identity_document_account"`);
    await queryRunner.query(`DROP TABLE "identity_document"`);
  }
}
