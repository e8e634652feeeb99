import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The client space (issue 17): firms and their staff, clients, dossiers, shared items, contact-change requests, messages. */

export class ClientSpaceModel1796094222052 implements MigrationInterface {
  name = 'ClientSpaceModel1796094222052';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "firm" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "primary_color" character varying(7) NOT NULL DEFAULT '#1f4e79', "logo_key" character varying(200), "logo_type" character varying(100), "online_payment" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_firm_primary_color" CHECK ("primary_color" ~ '^#[0-9a-f]{6}$'), CONSTRAINT "PK_firm" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "firm_staff" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "firm_id" uuid NOT NULL, "account_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "display_name" character varying(260) NOT NULL, "email" character varying(254) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_firm_staff_role" CHECK ("role" IN ('associe', 'assistant', 'lecture')), CONSTRAINT "PK_firm_staff" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_firm_staff_account" ON "firm_staff"  ("account_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_firm_staff_firm_account" ON "firm_staff"  ("firm_id", "account_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "firm_client" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "firm_id" uuid NOT NULL, "account_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "company_name" character varying(200), "contact" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_firm_client_kind" CHECK ("kind" IN ('personne', 'societe')), CONSTRAINT "PK_firm_client" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_firm_client_account" ON "firm_client"  ("account_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_firm_client_firm_account" ON "firm_client"  ("firm_id", "account_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "dossier" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "firm_id" uuid NOT NULL, "number" character varying(60) NOT NULL, "label" character varying(200) NOT NULL, "interlocutor_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dossier" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_dossier_firm_number" ON "dossier"  ("firm_id", "number") `);
    await queryRunner.query(
      `CREATE TABLE "dossier_client" ("dossier_id" uuid NOT NULL, "client_id" uuid NOT NULL, CONSTRAINT "PK_dossier_client" PRIMARY KEY ("dossier_id", "client_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_dossier_client_client" ON "dossier_client"  ("client_id") `);
    await queryRunner.query(
      `CREATE TABLE "contact_change_request" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "firm_id" uuid NOT NULL, "client_id" uuid NOT NULL, "requested" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'en-attente', "decided_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_contact_change_request_status" CHECK ("status" IN ('en-attente', 'acceptee', 'refusee')), CONSTRAINT "PK_contact_change_request" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_change_request_client" ON "contact_change_request"  ("client_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "dossier_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "firm_id" uuid NOT NULL, "dossier_id" uuid NOT NULL, "client_id" uuid NOT NULL, "author" character varying(8) NOT NULL, "author_name" character varying(260) NOT NULL, "subject" character varying(200) NOT NULL, "body" text NOT NULL, "read_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_dossier_message_author" CHECK ("author" IN ('client', 'cabinet')), CONSTRAINT "PK_dossier_message" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_dossier_message_dossier" ON "dossier_message"  ("dossier_id") `);
    await queryRunner.query(
      `CREATE TABLE "shared_item" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "firm_id" uuid NOT NULL, "dossier_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "direction" character varying(8) NOT NULL DEFAULT 'recu', "title" character varying(300) NOT NULL, "item_date" date NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "file_key" character varying(200), "file_type" character varying(120), "file_name" character varying(255), "file_size" integer, "uploaded_by_client_id" uuid, "shared_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_shared_item_direction" CHECK ("direction" IN ('recu', 'depose')), CONSTRAINT "CHK_shared_item_kind" CHECK ("kind" IN ('document', 'rdv', 'facture', 'tache', 'temps', 'frais')), CONSTRAINT "PK_shared_item" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_shared_item_dossier" ON "shared_item"  ("dossier_id") `);
    await queryRunner.query(
      `ALTER TABLE "firm_staff" ADD CONSTRAINT "FK_firm_staff_firm" FOREIGN KEY ("firm_id") REFERENCES "firm"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "firm_staff" ADD CONSTRAINT "FK_firm_staff_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "firm_client" ADD CONSTRAINT "FK_firm_client_firm" FOREIGN KEY ("firm_id") REFERENCES "firm"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "firm_client" ADD CONSTRAINT "FK_firm_client_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dossier" ADD CONSTRAINT "FK_dossier_firm" FOREIGN KEY ("firm_id") REFERENCES "firm"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dossier" ADD CONSTRAINT "FK_dossier_interlocutor" FOREIGN KEY ("interlocutor_id") REFERENCES "firm_staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dossier_client" ADD CONSTRAINT "FK_dossier_client_dossier" FOREIGN KEY ("dossier_id") REFERENCES "dossier"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dossier_client" ADD CONSTRAINT "FK_dossier_client_client" FOREIGN KEY ("client_id") REFERENCES "firm_client"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact_change_request" ADD CONSTRAINT "FK_contact_change_request_client" FOREIGN KEY ("client_id") REFERENCES "firm_client"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dossier_message" ADD CONSTRAINT "FK_dossier_message_dossier" FOREIGN KEY ("dossier_id") REFERENCES "dossier"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dossier_message" ADD CONSTRAINT "FK_dossier_message_client" FOREIGN KEY ("client_id") REFERENCES "firm_client"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shared_item" ADD CONSTRAINT "FK_shared_item_dossier" FOREIGN KEY ("dossier_id") REFERENCES "dossier"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shared_item" DROP CONSTRAINT "FK_shared_item_dossier"`);
    await queryRunner.query(`ALTER TABLE "dossier_message" DROP CONSTRAINT "FK_dossier_message_client"`);
    await queryRunner.query(`ALTER TABLE "dossier_message" DROP CONSTRAINT "FK_dossier_message_dossier"`);
    await queryRunner.query(`ALTER TABLE "contact_change_request" DROP CONSTRAINT "FK_contact_change_request_client"`);
    await queryRunner.query(`ALTER TABLE "dossier_client" DROP CONSTRAINT "FK_dossier_client_client"`);
    await queryRunner.query(`ALTER TABLE "dossier_client" DROP CONSTRAINT "FK_dossier_client_dossier"`);
    await queryRunner.query(`ALTER TABLE "dossier" DROP CONSTRAINT "FK_dossier_interlocutor"`);
    await queryRunner.query(`ALTER TABLE "dossier" DROP CONSTRAINT "FK_dossier_firm"`);
    await queryRunner.query(`ALTER TABLE "firm_client" DROP CONSTRAINT "FK_firm_client_account"`);
    await queryRunner.query(`ALTER TABLE "firm_client" DROP CONSTRAINT "FK_firm_client_firm"`);
    await queryRunner.query(`ALTER TABLE "firm_staff" DROP CONSTRAINT "FK_firm_staff_account"`);
    await queryRunner.query(`ALTER TABLE "firm_staff" DROP CONSTRAINT "FK_firm_staff_firm"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_shared_item_dossier"`);
    await queryRunner.query(`DROP TABLE "shared_item"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dossier_message_dossier"`);
    await queryRunner.query(`DROP TABLE "dossier_message"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_change_request_client"`);
    await queryRunner.query(`DROP TABLE "contact_change_request"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dossier_client_client"`);
    await queryRunner.query(`DROP TABLE "dossier_client"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_dossier_firm_number"`);
    await queryRunner.query(`DROP TABLE "dossier"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_firm_client_firm_account"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_firm_client_account"`);
    await queryRunner.query(`DROP TABLE "firm_client"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_firm_staff_firm_account"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_firm_staff_account"`);
    await queryRunner.query(`DROP TABLE "firm_staff"`);
    await queryRunner.query(`DROP TABLE "firm"`);
  }
}
