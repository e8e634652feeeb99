import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed sign-ins per hashed identifier and per hashed address, for time-based throttling. */
export class IdentitySignInThrottle1795464864287 implements MigrationInterface {
  name = 'IdentitySignInThrottle1795464864287';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sign_in_throttle" ("key" character varying(80) NOT NULL, "failures" integer NOT NULL DEFAULT '0', "last_failure_at" TIMESTAMP WITH TIME ZONE NOT NULL, "blocked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_sign_in_throttle" PRIMARY KEY ("key"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sign_in_throttle"`);
  }
}
