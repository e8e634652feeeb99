import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import { createApplication } from '../../src/bootstrap';
import { loadConfig, type AppConfig } from '../../src/config';
import { createLogger } from '../../src/platform/logging/logger';
import { testLogDestination } from './log-capture';
import { freePort } from './ports';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  /** `http://127.0.0.1:<port>`, also the configured `PUBLIC_URL`. */
  url: string;
  config: AppConfig;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * Boots the whole application on a free loopback port, on its own clone of the migrated template database, with the
 * same middleware as `npm start`. `env` overrides configuration variables.
 */
export async function startTestApp(
  options: { env?: Record<string, string>; extraModules?: Type[]; database?: TestDatabase } = {},
): Promise<TestApp> {
  // A database given by the caller is shared (several instances) and stays the caller's to drop.
  const database: TestDatabase = options.database ?? (await createTestDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-test-data-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { config } = loadConfig({
    NODE_ENV: 'test',
    // Kept for the log check of test/run.ts when it asks for them, silent otherwise.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? (process.env.TEST_LOG_DIR ? 'debug' : 'silent'),
    PUBLIC_URL: url,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    DATABASE_URL: database.url,
    ...options.env,
  });
  const logger = createLogger(config, testLogDestination());
  const app = await createApplication({
    config,
    database: database.endpoint,
    logger,
    runJobs: false,
    extraModules: options.extraModules,
  });
  await app.listen(port, '127.0.0.1');
  return {
    app,
    url,
    config,
    dataSource: app.get(DataSourceToken),
    async close() {
      await app.close();
      if (!options.database) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
