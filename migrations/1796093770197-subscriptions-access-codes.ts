import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A subscription's access codes (« codes d'accès »): one login and the argon2id hash of its password per
 * subscription; issuing them again replaces the row (a new id: the shared subject of the old codes is gone).
 */
export class SubscriptionsAccessCodes1796093770197 implements MigrationInterface {
  name = 'SubscriptionsAccessCodes1796093770197';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "access_code" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "subscription_id" uuid NOT NULL, "login" character varying(32) NOT NULL, "secret_hash" character varying(255) NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_access_code" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_access_code_subscription" ON "access_code" ("subscription_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_access_code_login" ON "access_code" ("login")`);
    await queryRunner.query(
      `ALTER TABLE "access_code" ADD CONSTRAINT "FK_access_code_subscription" FOREIGN KEY ("subscription_id") REFERENCES "subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "access_code" DROP CONSTRAINT "FK_access_code_subscription"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_access_code_login"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_access_code_subscription"`);
    await queryRunner.query(`DROP TABLE "access_code"`);
  }
}
