import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The téléprocédures catalogue and each company account's subscriptions to it. */
export class SecondaryAccountsTeleprocedure1796084089883 implements MigrationInterface {
  name = 'SecondaryAccountsTeleprocedure1796084089883';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "teleprocedure" ("code" character varying(32) NOT NULL, "description" character varying(300) NOT NULL, "recipients" jsonb NOT NULL DEFAULT '[]', "document_types" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_teleprocedure_code" CHECK ("code" ~ '^[A-Z0-9][A-Z0-9-]{0,31}$'), CONSTRAINT "PK_teleprocedure" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "company_teleprocedure" ("company_account_id" uuid NOT NULL, "teleprocedure_code" character varying(32) NOT NULL, CONSTRAINT "PK_company_teleprocedure" PRIMARY KEY ("company_account_id", "teleprocedure_code"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_company_teleprocedure_code" ON "company_teleprocedure"  ("teleprocedure_code") `,
    );
    await queryRunner.query(
      `ALTER TABLE "company_teleprocedure" ADD CONSTRAINT "FK_company_teleprocedure_company" FOREIGN KEY ("company_account_id") REFERENCES "company_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "company_teleprocedure" ADD CONSTRAINT "FK_company_teleprocedure_teleprocedure" FOREIGN KEY ("teleprocedure_code") REFERENCES "teleprocedure"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "company_teleprocedure" DROP CONSTRAINT "FK_company_teleprocedure_teleprocedure"`,
    );
    await queryRunner.query(`ALTER TABLE "company_teleprocedure" DROP CONSTRAINT "FK_company_teleprocedure_company"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_company_teleprocedure_code"`);
    await queryRunner.query(`DROP TABLE "company_teleprocedure"`);
    await queryRunner.query(`DROP TABLE "teleprocedure"`);
  }
}
