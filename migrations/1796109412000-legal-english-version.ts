import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A legal document's optional English version, published with its French one (same version number): English pages
 * show it; without it, they show the French text with a notice that it exists in French only.
 */
export class LegalEnglishVersion1796109412000 implements MigrationInterface {
  name = 'LegalEnglishVersion1796109412000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "legal_document" ADD "title_en" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "legal_document" ADD "body_en" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "legal_document" DROP COLUMN "body_en"`);
    await queryRunner.query(`ALTER TABLE "legal_document" DROP COLUMN "title_en"`);
  }
}
