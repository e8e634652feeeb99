import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of an API (resource server) row sends `NOTIFY oidc_resource_server_changed, '<identifier>'` when its
 * transaction commits: each running instance drops that API from its cache at once (`ResourceServerRegistry`), so a
 * removed API is refused everywhere within a second and a token request for an API reads nothing.
 */
export class OidcResourceServerChangeNotify1796128889392 implements MigrationInterface {
  name = 'OidcResourceServerChangeNotify1796128889392';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "oidc_resource_server_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('oidc_resource_server_changed', OLD.identifier); END IF;
         IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('oidc_resource_server_changed', NEW.identifier); END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "oidc_resource_server_changed" AFTER INSERT OR UPDATE OR DELETE ON "oidc_resource_server"
       FOR EACH ROW EXECUTE FUNCTION "oidc_resource_server_notify_change"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "oidc_resource_server_changed" ON "oidc_resource_server"`);
    await queryRunner.query(`DROP FUNCTION "oidc_resource_server_notify_change"()`);
  }
}
