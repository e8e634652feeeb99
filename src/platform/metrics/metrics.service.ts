import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { statementCount } from '../database/statement-counter';

/**
 * Prometheus figures: the process's own (memory, event loop, GC), HTTP requests by route and status, and the
 * database connection pool. Modules add theirs through `registry`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Durée des requêtes HTTP, par méthode, route et statut',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    const pool = () => (dataSource.driver as unknown as { master?: Pool }).master;
    const poolGauge = (name: string, help: string, read: (pool: Pool) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const current = pool();
          this.set(current ? read(current) : 0);
        },
      });
    poolGauge('db_pool_connections', 'Connexions ouvertes vers PostgreSQL', (p) => p.totalCount);
    poolGauge('db_pool_idle_connections', 'Connexions inoccupées', (p) => p.idleCount);
    poolGauge('db_pool_waiting_requests', 'Requêtes en attente d’une connexion', (p) => p.waitingCount);
    new Counter({
      name: 'db_statements_total',
      help: 'Instructions SQL envoyées à PostgreSQL, pendant une requête HTTP (origin="request") ou hors requête',
      labelNames: ['origin'],
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc({ origin: 'request' }, statementCount.request);
        this.inc({ origin: 'background' }, statementCount.background);
      },
    });
  }

  /** Times every request; the route label is the route's pattern, never the raw URL (bounded cardinality). */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const end = this.httpDuration.startTimer();
    res.once('finish', () => {
      end({ method: req.method, route: routeLabel(req), status: String(res.statusCode) });
    });
    next();
  };
}

function routeLabel(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  if (req.originalUrl.startsWith('/dsfr/') || req.originalUrl.startsWith('/assets/')) return 'static';
  return 'unmatched';
}
