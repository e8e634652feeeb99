import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of the clients of a product, or of a product, sends `NOTIFY product_client_changed` when its
 * transaction commits (the client's id; `*` for a product's change, which concerns all its clients): each running
 * instance drops what it kept of the clients' products at once (`SubscriptionsService.productAccess`).
 */
export class SubscriptionsProductChangeNotify1796106136851 implements MigrationInterface {
  name = 'SubscriptionsProductChangeNotify1796106136851';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "product_client_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_TABLE_NAME = 'product' THEN PERFORM pg_notify('product_client_changed', '*'); RETURN NULL; END IF;
         IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('product_client_changed', OLD.client_id); END IF;
         IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('product_client_changed', NEW.client_id); END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "product_client_changed" AFTER INSERT OR UPDATE OR DELETE ON "product_client"
       FOR EACH ROW EXECUTE FUNCTION "product_client_notify_change"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "product_changed" AFTER UPDATE OR DELETE ON "product"
       FOR EACH ROW EXECUTE FUNCTION "product_client_notify_change"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "product_changed" ON "product"`);
    await queryRunner.query(`DROP TRIGGER "product_client_changed" ON "product_client"`);
    await queryRunner.query(`DROP FUNCTION "product_client_notify_change"()`);
  }
}
