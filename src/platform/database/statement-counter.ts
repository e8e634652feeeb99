import type { Logger as TypeOrmLogger } from 'typeorm';
import { requestContext } from '../http/request-context';

/**
 * Counts the SQL statements the application sends through TypeORM (each one a round-trip to PostgreSQL, transaction
 * control included), split between those sent while serving an HTTP request and the others (jobs, start-up, command
 * line). Plugged in as TypeORM's logger (`logging` stays off: nothing is printed). Read by the metrics
 * (`db_statements_total`), the tests (`test/support/statements.ts`) and `npm run bench` (statements per flow step).
 */
export const statementCount = { request: 0, background: 0 };

/** When set (tests, `docs/performance.md`), every statement sent during a request is also appended here. */
export const statementTrace: { lines?: string[] } = {};

export const statementCountingLogger: TypeOrmLogger = {
  logQuery(query: string) {
    if (requestContext.current()) {
      statementCount.request++;
      statementTrace.lines?.push(query.replace(/\s+/g, ' ').slice(0, 160));
    } else statementCount.background++;
  },
  logQueryError() {},
  logQuerySlow() {},
  logSchemaBuild() {},
  logMigration() {},
  log() {},
};
