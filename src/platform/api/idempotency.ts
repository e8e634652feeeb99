import { createHash } from 'node:crypto';
import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import type { DataSource } from 'typeorm';
import { ExclusiveJobRunner } from '../jobs/exclusive-job.runner';
import { apiCallerOf } from './api-access';
import { ApiError, ApiErrorCode } from './api.errors';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_S = 24 * 60 * 60;
/** A first request still marked in progress after this long is taken as abandoned (its instance stopped). */
const ABANDONED_AFTER_S = 60;

export const IDEMPOTENT = 'platform:api-idempotent';

type Claim =
  | { kind: 'first' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

/** The `Idempotency-Key` store, in PostgreSQL (`api_idempotency_key`). */
@Injectable()
export class IdempotencyStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: ExclusiveJobRunner,
  ) {}

  /** Takes the key for this request, or says what became of the first request that used it. */
  async claim(clientId: string, key: string, method: string, path: string, hash: string): Promise<Claim> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const inserted: unknown[] = await this.dataSource.query(
        `INSERT INTO api_idempotency_key (client_id, key, method, path, request_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
         ON CONFLICT (client_id, key) DO NOTHING RETURNING key`,
        [clientId, key, method, path.slice(0, 2048), hash, IDEMPOTENCY_TTL_S],
      );
      if (inserted.length > 0) return { kind: 'first' };
      const rows: Array<{ request_hash: string; status: number | null; response_body: unknown; stale: boolean }> =
        await this.dataSource.query(
          `SELECT request_hash, status, response_body,
             (expires_at < now() OR (status IS NULL AND created_at < now() - make_interval(secs => $3))) AS stale
           FROM api_idempotency_key WHERE client_id = $1 AND key = $2`,
          [clientId, key, ABANDONED_AFTER_S],
        );
      const row = rows[0];
      if (!row) continue;
      if (row.stale) {
        await this.dataSource.query(
          `DELETE FROM api_idempotency_key WHERE client_id = $1 AND key = $2
             AND (expires_at < now() OR (status IS NULL AND created_at < now() - make_interval(secs => $3)))`,
          [clientId, key, ABANDONED_AFTER_S],
        );
        continue;
      }
      if (row.request_hash !== hash) return { kind: 'mismatch' };
      if (row.status === null) return { kind: 'in-progress' };
      return { kind: 'replay', status: row.status, body: row.response_body };
    }
    return { kind: 'in-progress' };
  }

  async complete(clientId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_idempotency_key SET status = $3, response_body = $4 WHERE client_id = $1 AND key = $2`,
      [clientId, key, status, JSON.stringify(body ?? null)],
    );
  }

  /** Forgets a key (the first request failed: the client may try again with it). */
  async release(clientId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM api_idempotency_key WHERE client_id = $1 AND key = $2`, [clientId, key]);
  }

  @Cron(CronExpression.EVERY_HOUR)
  async purgeExpired(): Promise<void> {
    await this.jobs.run('api.idempotency.purge', async (manager) => {
      await manager.query('DELETE FROM api_idempotency_key WHERE expires_at < now()');
    });
  }
}

/**
 * `Idempotency-Key` on a creation: the same key and body replay the first answer (with `Idempotent-Replayed: true`);
 * the same key with another body is a 422 problem; a key still in use is a 409. Without the header, nothing changes.
 * Keys belong to the calling client and are kept `IDEMPOTENCY_TTL_S`. Only on `@ApiScopes()` routes.
 */
export const Idempotent = () => applyDecorators(SetMetadata(IDEMPOTENT, true), UseInterceptors(IdempotencyInterceptor));

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.get('idempotency-key');
    if (key === undefined) return next.handle();
    if (!/^[\x21-\x7E]{1,255}$/.test(key)) throw new ApiError(ApiErrorCode.INVALID_IDEMPOTENCY_KEY);
    const caller = apiCallerOf(req);
    // A programming error: @Idempotent() on a route that is not @ApiScopes().
    if (!caller) throw new Error('@Idempotent() demande une route @ApiScopes()');
    const path = req.originalUrl.split('?')[0];
    const hash = createHash('sha256')
      .update(JSON.stringify([req.method, req.originalUrl, canonical(req.body)]))
      .digest('hex');
    const claim = await this.store.claim(caller.clientId, key, req.method, path, hash);
    switch (claim.kind) {
      case 'mismatch':
        throw new ApiError(ApiErrorCode.IDEMPOTENCY_KEY_REUSED);
      case 'in-progress':
        throw new ApiError(ApiErrorCode.IDEMPOTENCY_KEY_IN_USE);
      case 'replay':
        res.status(claim.status).setHeader('Idempotent-Replayed', 'true');
        return of(claim.body);
      case 'first':
        break;
    }
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      (req.method === 'POST' ? 201 : 200);
    return next.handle().pipe(
      mergeMap((body: unknown) => from(this.store.complete(caller.clientId, key, status, body).then(() => body))),
      catchError((error: unknown) =>
        from(
          this.store.release(caller.clientId, key).then(() => {
            throw error;
          }),
        ),
      ),
    );
  }
}

/** The body with its object keys sorted, so that the same content hashes the same whatever the key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}
