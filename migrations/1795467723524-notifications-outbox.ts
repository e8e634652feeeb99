import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox of messages to deliver, and the development mailbox (used only without SMTP_URL, outside production). */
export class NotificationsOutbox1795467723524 implements MigrationInterface {
  name = 'NotificationsOutbox1795467723524';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "dev_mailbox_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "recipient" character varying(320) NOT NULL, "subject" character varying(998) NOT NULL, "text" text NOT NULL, "html" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dev_mailbox_message" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "outbox_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel" character varying(16) NOT NULL, "recipient" character varying(320) NOT NULL, "template" character varying(64) NOT NULL, "data" jsonb NOT NULL, "idempotency_key" character varying(200), "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "locked_until" TIMESTAMP WITH TIME ZONE, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_outbox_message_status" CHECK ("status" IN ('pending', 'sending', 'sent', 'failed')), CONSTRAINT "PK_outbox_message" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_outbox_message_due" ON "outbox_message" ("status", "next_attempt_at")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_outbox_message_idempotency_key" ON "outbox_message" ("idempotency_key")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_outbox_message_idempotency_key"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_outbox_message_due"`);
    await queryRunner.query(`DROP TABLE "outbox_message"`);
    await queryRunner.query(`DROP TABLE "dev_mailbox_message"`);
  }
}
