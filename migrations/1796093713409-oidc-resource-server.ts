import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Resource servers (APIs) registered with the provider, for RFC 8707 resource indicators and JWT access tokens. */
export class OidcResourceServer1796093713409 implements MigrationInterface {
  name = 'OidcResourceServer1796093713409';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oidc_resource_server" ("identifier" character varying(2048) NOT NULL, "name" character varying(200) NOT NULL, "scopes" jsonb NOT NULL, "signing_alg" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_oidc_resource_server" PRIMARY KEY ("identifier"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oidc_resource_server"`);
  }
}
