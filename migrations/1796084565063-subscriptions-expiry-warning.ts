import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The last expiry warning sent to a subscription's administrators (30 or 7 days before its end). */
export class SubscriptionsExpiryWarning1796084565063 implements MigrationInterface {
  name = 'SubscriptionsExpiryWarning1796084565063';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "subscription" ADD "expiry_warning_days" smallint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "subscription" DROP COLUMN "expiry_warning_days"`);
  }
}
