import { Controller, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DomainError, PlatformError, PlatformErrorCode } from '../errors';
import { Public } from '../http/access-policy';
import { metricsAuthorized } from './metrics-access';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrapes here. Public by default (a development machine); `METRICS_TOKEN` makes it require a bearer
 * token, `METRICS_PORT` moves it to a loopback port of its own (then it is not found here).
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    if (this.config.metrics.port !== undefined) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
    if (!metricsAuthorized(this.config, authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new MetricsTokenRequired();
    }
    return this.metrics.registry.metrics();
  }
}

/** 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3), through the error filter like every refusal. */
class MetricsTokenRequired extends DomainError {
  constructor() {
    super('METRICS_TOKEN_REQUIRED', 'unauthenticated', 'Jeton d’accès aux mesures requis (METRICS_TOKEN).');
  }
}
