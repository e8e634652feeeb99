import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Company accounts (« Gestion des Comptes »): the table, and every existing Entreprise registration turned into its
 * primary company account. The SIRET recorded at registration is split into SIREN and NIC (a SIREN alone leaves the
 * NIC empty); identity's `account.siren`/`account.siret` columns are kept as they are (nothing is lost, and `down()`
 * needs no copy back).
 */
export class SecondaryAccountsCompanyAccount1796082967050 implements MigrationInterface {
  name = 'SecondaryAccountsCompanyAccount1796082967050';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "company_account" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "file_number" SERIAL NOT NULL, "account_id" uuid, "primary_id" uuid, "login" character varying(64) NOT NULL, "siren" character varying(9) NOT NULL, "nic" character varying(5), "name" character varying(200) NOT NULL, "type" character varying(32) NOT NULL DEFAULT 'entreprise', "profile" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'open', "test" boolean NOT NULL DEFAULT false, "secondary_quota" integer NOT NULL DEFAULT '0', "autonomous" boolean NOT NULL DEFAULT false, "has_mailbox" boolean NOT NULL DEFAULT false, "legal_representative" character varying(200), "civility" character varying(8), "family_name" character varying(128), "given_name" character varying(128), "street_number" character varying(10), "street_suffix" character varying(16), "street_name" character varying(200), "address_complement" character varying(200), "po_box" character varying(64), "postal_code" character varying(16), "city" character varying(128), "country" character varying(64), "email" character varying(254), "phone" character varying(20), "fax" character varying(20), "technical_contact_name" character varying(200), "technical_contact_email" character varying(254), "technical_contact_phone" character varying(20), "administrative_contact_name" character varying(200), "administrative_contact_email" character varying(254), "administrative_contact_phone" character varying(20), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_company_account_nic" CHECK ("nic" IS NULL OR "nic" ~ '^[0-9]{5}$'), CONSTRAINT "CHK_company_account_siren" CHECK ("siren" ~ '^[0-9]{9}$'), CONSTRAINT "CHK_company_account_primary" CHECK (("profile" = 'primary' AND "primary_id" IS NULL) OR ("profile" = 'secondary' AND "primary_id" IS NOT NULL)), CONSTRAINT "CHK_company_account_status" CHECK ("status" IN ('open', 'closed', 'validated')), CONSTRAINT "CHK_company_account_profile" CHECK ("profile" IN ('primary', 'secondary')), CONSTRAINT "CHK_company_account_type" CHECK ("type" IN ('entreprise', 'oga', 'expert-comptable')), CONSTRAINT "PK_company_account" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_company_account_primary" ON "company_account"  ("primary_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_company_account_file_number" ON "company_account"  ("file_number") `,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_company_account_login" ON "company_account"  ("login") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_company_account_account" ON "company_account"  ("account_id") `);
    await queryRunner.query(
      `ALTER TABLE "company_account" ADD CONSTRAINT "FK_company_account_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "company_account" ADD CONSTRAINT "FK_company_account_primary" FOREIGN KEY ("primary_id") REFERENCES "company_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO "company_account" ("account_id", "login", "siren", "nic", "name", "type", "profile", "status",
        "civility", "family_name", "given_name", "street_name", "address_complement", "postal_code", "city", "country",
        "email", "phone", "created_at")
      SELECT "id", "identifier", COALESCE(LEFT("siret", 9), "siren"), SUBSTRING("siret" FROM 10 FOR 5),
        COALESCE("organisation_name", ''), 'entreprise', 'primary', 'open', "civility", "family_name", "given_name",
        "address_line", "address_complement", "postal_code", "city", "country", "email",
        COALESCE("landline_phone", "mobile_phone"), "created_at"
      FROM "account"
      WHERE "profile" = 'entreprise' AND COALESCE(LEFT("siret", 9), "siren") IS NOT NULL
      ORDER BY "created_at", "id"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "company_account" DROP CONSTRAINT "FK_company_account_primary"`);
    await queryRunner.query(`ALTER TABLE "company_account" DROP CONSTRAINT "FK_company_account_account"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_company_account_account"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_company_account_login"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_company_account_file_number"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_company_account_primary"`);
    await queryRunner.query(`DROP TABLE "company_account"`);
  }
}
