import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createApplication } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { NotificationsService, OutboxWorker } from '../src/modules/notifications';
import { EmbeddedDatabase } from '../src/platform/database/embedded-database';
import { startSmtpServer } from '../test/support/smtp';

export interface OutboxFigures {
  messages: number;
  messagesPerSecond: number;
  idleLatencyMedianMs: number;
  idleLatencyP95Ms: number;
}

/**
 * The outbox delivering to a local SMTP server (smtp-server, in this process): a burst of messages, then the time
 * from commit to receipt of single messages on an idle queue. `url` selects a PostgreSQL server; the embedded
 * database otherwise. Everything runs in this process: the figures are a floor.
 */
export async function benchOutbox(url: string | undefined, secretKey: string, count = 1000): Promise<OutboxFigures> {
  const smtp = await startSmtpServer();
  const embedded = url ? undefined : await EmbeddedDatabase.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-bench-outbox-'));
  const { config } = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    SECRET_KEY: secretKey,
    SMTP_URL: smtp.url,
    DATABASE_URL: url ?? embedded!.url,
  });
  const app = await createApplication({
    config,
    database: { url: config.database.url!, poolSize: embedded ? 1 : 10, embedded: false, close: async () => undefined },
    logger: pino({ level: 'silent' }),
    runJobs: false,
  });
  const dataSource = app.get(DataSource);
  const notifications = app.get(NotificationsService);
  const worker = app.get(OutboxWorker);
  const data = { sentAt: 'banc d’essai' };
  try {
    await dataSource.transaction(async (manager) => {
      for (let i = 0; i < count; i++)
        await notifications.enqueueEmail(manager, { to: `n${i}@example.fr`, template: 'test-email', data });
    });
    const started = performance.now();
    while (smtp.messages.length < count) {
      await worker.deliverDue();
      if (performance.now() - started > 120_000) break;
    }
    const messagesPerSecond = smtp.messages.length / ((performance.now() - started) / 1000);

    worker.start();
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const to = `attente${i}@example.fr`;
      const arrived = smtp.waitFor(
        (m) => (Array.isArray(m.to) ? m.to : [m.to]).some((t) => t?.text.includes(to) ?? false),
        10_000,
      );
      const committed = performance.now();
      await dataSource.transaction((manager) =>
        notifications.enqueueEmail(manager, { to, template: 'test-email', data }),
      );
      await arrived;
      latencies.push(performance.now() - committed);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    worker.stop();
    latencies.sort((a, b) => a - b);
    return {
      messages: count,
      messagesPerSecond,
      idleLatencyMedianMs: Math.round(latencies[Math.floor(latencies.length / 2)]),
      idleLatencyP95Ms: Math.round(latencies[Math.floor(latencies.length * 0.95)]),
    };
  } finally {
    await app.close();
    await embedded?.stop();
    await smtp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
