import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The versions of the legal documents (CGU, personal data, legal notice, accessibility) published by operators. */
export class LegalDocuments1796094672500 implements MigrationInterface {
  name = 'LegalDocuments1796094672500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "legal_document" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(32) NOT NULL, "version" character varying(16) NOT NULL, "title" character varying(200) NOT NULL, "body" text NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_by" uuid, CONSTRAINT "PK_legal_document" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_legal_document_kind_version" ON "legal_document" ("kind", "version")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_legal_document_kind_published" ON "legal_document" ("kind", "published_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "legal_document"`);
  }
}
