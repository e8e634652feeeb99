import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The remembered consent of an account for a site (`GrantRepository.latestFor`, at every sign-in) and the account
 * space's list of sites read grants by `payload->>'accountId'` and `payload->>'clientId'`: without this index each
 * lookup reads every row of `oidc_payload` (`EXPLAIN` in docs/performance.md).
 */
export class OidcGrantLookupIndex1796096675059 implements MigrationInterface {
  name = 'OidcGrantLookupIndex1796096675059';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_oidc_payload_grant_account_client" ON "oidc_payload" ((payload->>'accountId'), (payload->>'clientId')) WHERE model = 'Grant'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_oidc_payload_grant_account_client"`);
  }
}
