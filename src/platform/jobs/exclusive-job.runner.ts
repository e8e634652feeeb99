import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { LOGGER } from '../logging/logger';

export type JobOutcome = 'ran' | 'skipped';

/**
 * Runs a scheduled job on one instance only, whatever the number of instances that fire it: the job runs inside a
 * transaction that first takes a PostgreSQL advisory lock named after it (`pg_try_advisory_xact_lock`); an instance
 * that cannot take it skips this run. The lock ends with the transaction, so a crashed instance never keeps it.
 *
 * The job receives the transaction's `EntityManager` and must do its database work through it. It must not wait on
 * the network (send mail, call a site): such work goes through the notifications outbox.
 */
@Injectable()
export class ExclusiveJobRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(name: string, job: (manager: EntityManager) => Promise<void>): Promise<JobOutcome> {
    const started = performance.now();
    try {
      const outcome = await this.dataSource.transaction(async (manager): Promise<JobOutcome> => {
        const rows: Array<{ locked: boolean }> = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
          advisoryKey(name),
        ]);
        if (!rows[0]?.locked) return 'skipped';
        await job(manager);
        return 'ran';
      });
      if (outcome === 'ran') {
        this.logger.info(
          { job: name, durationMs: Math.round(performance.now() - started) },
          'Tâche planifiée exécutée',
        );
      }
      return outcome;
    } catch (error) {
      this.logger.error({ err: error, job: name }, 'Échec d’une tâche planifiée');
      throw error;
    }
  }
}

/** A stable 64-bit key for a job name (advisory locks take a bigint). */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(`job:${name}`).digest().readBigInt64BE(0).toString();
}
