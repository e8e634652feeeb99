import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SIREN and SIRET leave identity's `account` table for the company accounts module, nothing lost:
 * - every account's numbers (Entreprise and Association, pending or not) go to `organisation_number`, as registered;
 * - each active or disabled Entreprise account that has no company account yet (registered since the company accounts
 *   came, and its activation missed) becomes its primary company account, as `SecondaryAccountsCompanyAccount` did
 *   for the older ones (a pending one becomes it when activated, from `organisation_number`);
 * - then `account.siren` and `account.siret` are dropped.
 * `down()` adds the columns back and fills them from `organisation_number` before dropping it.
 */
export class SecondaryAccountsOrganisationNumbers1796105114056 implements MigrationInterface {
  name = 'SecondaryAccountsOrganisationNumbers1796105114056';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organisation_number" ("account_id" uuid NOT NULL, "siren" character varying(9) NOT NULL, "siret" character varying(14), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_organisation_number_siret" CHECK ("siret" IS NULL OR "siret" ~ '^[0-9]{14}$'), CONSTRAINT "CHK_organisation_number_siren" CHECK ("siren" ~ '^[0-9]{9}$'), CONSTRAINT "PK_organisation_number" PRIMARY KEY ("account_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "organisation_number" ADD CONSTRAINT "FK_organisation_number_account" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO "organisation_number" ("account_id", "siren", "siret", "created_at")
       SELECT "id", COALESCE("siren", LEFT("siret", 9)), "siret", "created_at"
       FROM "account" WHERE "siren" IS NOT NULL OR "siret" IS NOT NULL`,
    );
    await queryRunner.query(
      `INSERT INTO "company_account" ("account_id", "login", "siren", "nic", "name", "type", "profile", "status",
        "civility", "family_name", "given_name", "street_name", "address_complement", "postal_code", "city", "country",
        "email", "phone", "billing_date", "created_at")
      SELECT a."id", a."identifier", COALESCE(LEFT(a."siret", 9), a."siren"), SUBSTRING(a."siret" FROM 10 FOR 5),
        COALESCE(a."organisation_name", ''), 'entreprise', 'primary', 'open', a."civility", a."family_name",
        a."given_name", a."address_line", a."address_complement", a."postal_code", a."city", a."country", a."email",
        COALESCE(a."landline_phone", a."mobile_phone"), (a."created_at" AT TIME ZONE 'Europe/Paris')::date, a."created_at"
      FROM "account" a
      WHERE a."profile" = 'entreprise' AND a."status" <> 'pending' AND COALESCE(LEFT(a."siret", 9), a."siren") IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "company_account" c WHERE c."account_id" = a."id")
      ORDER BY a."created_at", a."id"
      ON CONFLICT DO NOTHING`,
    );
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "siret"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "siren"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" ADD "siren" character varying(9)`);
    await queryRunner.query(`ALTER TABLE "account" ADD "siret" character varying(14)`);
    await queryRunner.query(
      `UPDATE "account" SET "siren" = o."siren", "siret" = o."siret"
       FROM "organisation_number" o WHERE o."account_id" = "account"."id"`,
    );
    await queryRunner.query(`ALTER TABLE "organisation_number" DROP CONSTRAINT "FK_organisation_number_account"`);
    await queryRunner.query(`DROP TABLE "organisation_number"`);
  }
}
