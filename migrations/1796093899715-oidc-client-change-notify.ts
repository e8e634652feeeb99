import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of a client row (whoever makes it: command line, console, API, rotation, removal, SQL by hand) sends
 * `NOTIFY oidc_client_changed, '<client_id>'` when its transaction commits: each running instance drops that client
 * from its cache at once (`ClientRegistry`).
 */
export class OidcClientChangeNotify1796093899715 implements MigrationInterface {
  name = 'OidcClientChangeNotify1796093899715';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "oidc_client_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('oidc_client_changed', OLD.client_id); END IF;
         IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('oidc_client_changed', NEW.client_id); END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "oidc_client_changed" AFTER INSERT OR UPDATE OR DELETE ON "oidc_client"
       FOR EACH ROW EXECUTE FUNCTION "oidc_client_notify_change"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "oidc_client_changed" ON "oidc_client"`);
    await queryRunner.query(`DROP FUNCTION "oidc_client_notify_change"()`);
  }
}
