import type { MigrationInterface, QueryRunner } from 'typeorm';

/** « Contacter l’interlocuteur » with attachments: each message keeps the list of its files (stored like documents). */
export class ClientSpaceMessageAttachments1796106921386 implements MigrationInterface {
  name = 'ClientSpaceMessageAttachments1796106921386';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dossier_message" ADD "attachments" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dossier_message" DROP COLUMN "attachments"`);
  }
}
