import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { Public } from '../http/access-policy';
import { HealthRegistry } from './health-registry';

interface Check {
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
}

/** Liveness (`/health/live`: the process answers) and readiness (`/health`: it can serve, database included). */
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
  ) {}

  @Public()
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get()
  async ready(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: 'ok' | 'error'; checks: { database: Check } }> {
    const database = await this.checkDatabase();
    const status = database.status === 'up' ? 'ok' : 'error';
    res.status(status === 'ok' ? 200 : 503).setHeader('Cache-Control', 'no-store');
    return { status, checks: { database } };
  }

  private async checkDatabase(): Promise<Check> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('pas de réponse en 2 secondes')), 2000);
        }),
      ]);
      this.health.succeeded('database');
      return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      this.health.failed('database', error);
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
