import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Online payments: one row per payment opened at a provider, and the provider's webhook events already processed. */
export class PlatformPayments1796093855921 implements MigrationInterface {
  name = 'PlatformPayments1796093855921';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "payment" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "provider" character varying(20) NOT NULL,
        "provider_session_id" character varying(255),
        "purpose" character varying(100) NOT NULL,
        "reference" character varying(200) NOT NULL,
        "amount_cents" integer NOT NULL,
        "currency" character varying(3) NOT NULL,
        "description" character varying(500) NOT NULL,
        "status" character varying(20) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "settled_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_payment" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_payment_status" CHECK ("status" IN ('pending', 'succeeded', 'failed', 'cancelled')),
        CONSTRAINT "CHK_payment_amount" CHECK ("amount_cents" > 0)
      )`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_payment_provider_session" ON "payment" ("provider", "provider_session_id")`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_payment_purpose_reference" ON "payment" ("purpose", "reference")`);
    await queryRunner.query(
      `CREATE TABLE "payment_webhook_event" (
        "provider" character varying(20) NOT NULL,
        "event_id" character varying(255) NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_payment_webhook_event" PRIMARY KEY ("provider", "event_id")
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "payment_webhook_event"`);
    await queryRunner.query(`DROP TABLE "payment"`);
  }
}
