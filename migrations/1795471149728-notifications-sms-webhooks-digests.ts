import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NotificationsSmsWebhooksDigests1795471149728 implements MigrationInterface {
  name = 'NotificationsSmsWebhooksDigests1795471149728';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "dev_mailbox_message" ADD "channel" character varying(8) NOT NULL DEFAULT 'email'`,
    );
    await queryRunner.query(`ALTER TABLE "outbox_message" ADD "digest_key" character varying(2200)`);
    await queryRunner.query(`ALTER TABLE "dev_mailbox_message" ALTER COLUMN "html" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "outbox_message" ALTER COLUMN "recipient" TYPE character varying(2048)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_outbox_message_open_digest" ON "outbox_message" ("digest_key") WHERE "status" = 'pending'`,
    );
    await queryRunner.query(
      `ALTER TABLE "outbox_message" ADD CONSTRAINT "CHK_outbox_message_channel" CHECK ("channel" IN ('email', 'sms', 'webhook'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT "CHK_outbox_message_channel"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_outbox_message_open_digest"`);
    // The previous version knows e-mails only.
    await queryRunner.query(`DELETE FROM "outbox_message" WHERE "channel" <> 'email'`);
    await queryRunner.query(`DELETE FROM "dev_mailbox_message" WHERE "channel" <> 'email'`);
    await queryRunner.query(`ALTER TABLE "outbox_message" ALTER COLUMN "recipient" TYPE character varying(320)`);
    await queryRunner.query(`ALTER TABLE "dev_mailbox_message" ALTER COLUMN "html" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "outbox_message" DROP COLUMN "digest_key"`);
    await queryRunner.query(`ALTER TABLE "dev_mailbox_message" DROP COLUMN "channel"`);
  }
}
