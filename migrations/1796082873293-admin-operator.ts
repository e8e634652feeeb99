import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The console's operators: an account and its role (lecture, support, super-admin). */
export class AdminOperator1796082873293 implements MigrationInterface {
  name = 'AdminOperator1796082873293';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "operator" ("account_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_operator_role" CHECK ("role" IN ('lecture', 'support', 'super-admin')), CONSTRAINT "PK_operator" PRIMARY KEY ("account_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "operator" ADD CONSTRAINT "FK_operator_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "operator"`);
  }
}
