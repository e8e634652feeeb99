import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every statement that changes company accounts sends `NOTIFY company_account_changed, '*'` when its transaction
 * commits: each running instance drops what its access check kept of the accounts' companies
 * (`CompanyAccess`). One notification per statement, whatever the number of rows.
 */
export class SecondaryAccountsChangeNotify1796106857750 implements MigrationInterface {
  name = 'SecondaryAccountsChangeNotify1796106857750';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "company_account_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('company_account_changed', '*');
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "company_account_changed" AFTER INSERT OR UPDATE OR DELETE ON "company_account"
       FOR EACH STATEMENT EXECUTE FUNCTION "company_account_notify_change"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "company_account_changed" ON "company_account"`);
    await queryRunner.query(`DROP FUNCTION "company_account_notify_change"()`);
  }
}
