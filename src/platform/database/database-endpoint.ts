import { join } from 'node:path';
import { Client } from 'pg';
import type { AppConfig } from '../../config';
import { StartupError } from '../errors/startup-error';
import { EmbeddedDatabase } from './embedded-database';

/** Where the platform's database is, opened before the application starts and closed after it stops. */
export interface DatabaseEndpoint {
  url: string;
  poolSize: number;
  embedded: boolean;
  close(): Promise<void>;
}

/** Injection token of the endpoint in the Nest container. */
export const DATABASE_ENDPOINT = Symbol('DATABASE_ENDPOINT');

/**
 * `DATABASE_URL` set: checks that the server answers and accepts the credentials, so that a wrong setting ends with a
 * clear message instead of a driver's stack trace. Unset: starts the embedded database under `DATA_DIR`.
 */
export async function openDatabase(config: AppConfig): Promise<DatabaseEndpoint> {
  const url = config.database.url;
  if (url === undefined) {
    const embedded = await EmbeddedDatabase.start({ dataDir: join(config.dataDir, 'database') });
    return { url: embedded.url, poolSize: 1, embedded: true, close: () => embedded.stop() };
  }
  await checkReachable(url);
  return { url, poolSize: config.database.poolSize, embedded: false, close: async () => undefined };
}

/** An endpoint for a database that someone else opened and will close (tests, tools). */
export function externalDatabase(url: string, poolSize = 5): DatabaseEndpoint {
  return { url, poolSize, embedded: false, close: async () => undefined };
}

async function checkReachable(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new StartupError(`Base de données PostgreSQL injoignable (${describeServer(url)}) : ${explain(error)}.`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'adresse illisible';
  }
}

function explain(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  switch (code ?? '') {
    case 'ECONNREFUSED':
      return 'connexion refusée, le serveur ne semble pas démarré à cette adresse';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'nom d’hôte inconnu';
    case 'ETIMEDOUT':
      return 'pas de réponse du serveur';
    case '28P01':
    case '28000':
      return 'identifiant ou mot de passe refusé';
    case '3D000':
      return 'cette base de données n’existe pas';
    default:
      if (message?.includes('timeout')) return 'pas de réponse du serveur dans les 5 secondes';
      return message ?? String(error);
  }
}
