import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The JSON API's `Idempotency-Key` store: the first answer to a creation, replayed for the same key and body. */
export class PlatformApiIdempotency1796093713410 implements MigrationInterface {
  name = 'PlatformApiIdempotency1796093713410';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_idempotency_key" ("client_id" character varying(255) NOT NULL, "key" character varying(255) NOT NULL, "method" character varying(10) NOT NULL, "path" character varying(2048) NOT NULL, "request_hash" character varying(64) NOT NULL, "status" integer, "response_body" jsonb, "response_headers" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_api_idempotency_key" PRIMARY KEY ("client_id", "key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_idempotency_key_expires_at" ON "api_idempotency_key" ("expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_idempotency_key"`);
  }
}
