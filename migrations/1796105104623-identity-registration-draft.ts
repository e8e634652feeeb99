import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The company registration in steps keeps its draft (and the identity document received) on the server. */
export class IdentityRegistrationDraft1796105104623 implements MigrationInterface {
  name = 'IdentityRegistrationDraft1796105104623';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "registration_draft" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "profile" character varying(16) NOT NULL,
        "step" smallint NOT NULL DEFAULT 0,
        "values" jsonb NOT NULL DEFAULT '{}',
        "document" jsonb,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_registration_draft" PRIMARY KEY ("id")
      )`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_registration_draft_updated" ON "registration_draft" ("updated_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_registration_draft_updated"`);
    await queryRunner.query(`DROP TABLE "registration_draft"`);
  }
}
