import 'reflect-metadata';
import { createApplication } from './bootstrap';
import { ConfigError, loadConfigFromEnvironment } from './config';
import { runCli, runningInstanceRuntime } from './platform/cli/cli';
import { startCliSocket } from './platform/cli/cli-socket';
import { openDatabase, type DatabaseEndpoint } from './platform/database/database-endpoint';
import { StartupError } from './platform/errors';
import { drainHttpServer, STOP_DEADLINE_MS } from './platform/http/graceful-shutdown';
import { createLogger } from './platform/logging/logger';
import { startMetricsServer } from './platform/metrics/metrics-access';
import { MetricsService } from './platform/metrics/metrics.service';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfigFromEnvironment();
  } catch (error) {
    return fatal(error);
  }
  const { warnings } = loaded;
  let { config } = loaded;
  const logger = createLogger(config);
  for (const warning of warnings) logger.warn(warning);

  // The development tools (demo site, FranceConnect stand-in) are loaded only outside production: the production
  // image ships without them.
  const devTools = config.isProduction ? undefined : await import('./dev/demo.js');

  // Outside production, on the embedded default, without FranceConnect settings: the local FC stand-in on PORT + 2.
  const standIn =
    devTools && !config.database.url && !config.franceconnect
      ? await devTools.startLocalFranceConnect(config).catch((error: unknown) => {
          logger.warn({ err: error }, `Simulation FranceConnect non démarrée (port ${config.http.port + 2} occupé ?)`);
          return undefined;
        })
      : undefined;
  if (standIn) {
    config = standIn.config;
    logger.info(`Démonstration : simulation de FranceConnect sur ${standIn.standIn.issuer}`);
  }

  // Likewise the local test payment provider on PORT + 3, when payments go to the test provider and none is given.
  const payments =
    devTools && !config.database.url && config.payments.provider === 'test' && !config.payments.testProviderUrl
      ? await devTools.startLocalPaymentProvider(config).catch((error: unknown) => {
          logger.warn(
            { err: error },
            `Prestataire de paiement de test non démarré (port ${config.http.port + 3} occupé ?)`,
          );
          return undefined;
        })
      : undefined;
  if (payments) {
    config = payments.config;
    logger.info(`Démonstration : prestataire de paiement de test sur ${payments.provider.url}`);
  }

  let database: DatabaseEndpoint | undefined;
  try {
    database = await openDatabase(config);
    const app = await createApplication({ config, database, logger });
    // On the embedded database this process alone may open it: the command line sends its commands here.
    const cliSocket = database.embedded
      ? await startCliSocket(config.dataDir, (argv, output) =>
          runCli(argv, runningInstanceRuntime(config, app, database!), output),
        ).catch((error: unknown) => {
          logger.warn({ err: error }, 'Ligne de commande indisponible pendant que la plateforme tourne');
          return undefined;
        })
      : undefined;
    // The signal handlers come before the server answers: a SIGTERM sent as soon as /health says ready (an orchestrator,
    // a test) stops the platform cleanly even while the demo site or the metrics server are still starting.
    const running: {
      stopDemo?: Awaited<ReturnType<NonNullable<typeof devTools>['startDemo']>>;
      metricsServer?: Awaited<ReturnType<typeof startMetricsServer>>;
    } = {};
    // SIGTERM: no new request, those in flight finish, the outbox hands back what it holds, the database closes; all
    // within the orchestrators' 10 seconds, or the process ends anyway.
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      const started = Date.now();
      logger.info({ signal }, 'Arrêt de la plateforme');
      setTimeout(() => {
        logger.error({ afterMs: Date.now() - started }, 'Arrêt forcé : des tâches ne se sont pas terminées à temps');
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
      void drainHttpServer(app.getHttpServer())
        .then(() => running.metricsServer?.close())
        .then(() => cliSocket?.close())
        .then(() => running.stopDemo?.())
        .then(() => standIn?.standIn.close())
        .then(() => payments?.provider.close())
        .then(() => app.close())
        .then(() => database?.close())
        .then(
          () => {
            logger.info({ durationMs: Date.now() - started }, 'Plateforme arrêtée');
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'Arrêt incomplet');
            process.exit(1);
          },
        );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    await app.listen(config.http.port, config.http.host);
    logger.info(
      { port: config.http.port, database: database.embedded ? 'embedded' : 'server' },
      `Plateforme démarrée : ${config.publicUrl}`,
    );

    // The demo account and demo site come with the embedded default only, never in production.
    // It is a convenience: a port already taken on PORT + 1 must not stop the platform itself.
    running.stopDemo =
      devTools && database.embedded
        ? await devTools.startDemo(app, config, logger).catch((error: unknown) => {
            logger.warn({ err: error }, `Site de démonstration non démarré (port ${config.http.port + 1} occupé ?)`);
            return undefined;
          })
        : undefined;

    // METRICS_PORT: the metrics on a loopback port of their own, out of the public server.
    running.metricsServer =
      config.metrics.port === undefined
        ? undefined
        : await startMetricsServer(config, app.get(MetricsService).registry);
    if (running.metricsServer) logger.info(`Mesures sur http://127.0.0.1:${config.metrics.port}/metrics`);
  } catch (error) {
    await database?.close().catch(() => undefined);
    fatal(error);
  }
}

/** Problems the operator can fix are printed as a message alone; anything else with its stack. */
function fatal(error: unknown): never {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`\n${error.message}\n\n`);
  } else if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') {
    process.stderr.write(`\nLe port est déjà utilisé par un autre programme : choisissez-en un autre avec PORT.\n\n`);
  } else {
    process.stderr.write(`\nLa plateforme n’a pas pu démarrer :\n${(error as Error)?.stack ?? String(error)}\n\n`);
  }
  process.exit(1);
}

void main();
