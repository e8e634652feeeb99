import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail: an append-only table of who did what to what, when, from where, and how it ended. */
export class PlatformAuditEvent1795463126976 implements MigrationInterface {
  name = 'PlatformAuditEvent1795463126976';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_event" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "occurred_at" timestamptz NOT NULL DEFAULT now(),
        "actor_type" character varying(32) NOT NULL,
        "actor_id" character varying(128),
        "action" character varying(128) NOT NULL,
        "target_type" character varying(64),
        "target_id" character varying(128),
        "outcome" character varying(16) NOT NULL,
        "ip_address" character varying(64),
        "user_agent" character varying(512),
        "request_id" character varying(64),
        "details" jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT "PK_audit_event" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_audit_event_outcome" CHECK ("outcome" IN ('success', 'failure', 'denied'))
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_event_occurred_at" ON "audit_event" ("occurred_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_event_actor" ON "audit_event" ("actor_type", "actor_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_event_target" ON "audit_event" ("target_type", "target_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_event_action" ON "audit_event" ("action")`);
    // Append-only, enforced by the database itself and not only by the service.
    await queryRunner.query(`
      CREATE FUNCTION "audit_event_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "audit_event_append_only" BEFORE UPDATE OR DELETE ON "audit_event"
      FOR EACH ROW EXECUTE FUNCTION "audit_event_is_append_only"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_event_append_only" ON "audit_event"`);
    await queryRunner.query(`DROP FUNCTION "audit_event_is_append_only"()`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
  }
}
