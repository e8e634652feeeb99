import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { AppConfig } from '../../config';

/** Whether a scrape may read the metrics: always without `METRICS_TOKEN`, with the right bearer token otherwise. */
export function metricsAuthorized(config: Pick<AppConfig, 'metrics'>, authorization: string | undefined): boolean {
  const token = config.metrics.token;
  if (token === undefined) return true;
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  if (!match) return false;
  // Compared through their digests: same length, constant time.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1].trim()), digest(token));
}

/** `METRICS_PORT`: the metrics alone, on the loopback interface, out of the public HTTP server. */
export async function startMetricsServer(config: Pick<AppConfig, 'metrics'>, registry: Registry): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Introuvable\n');
      return;
    }
    if (!metricsAuthorized(config, req.headers.authorization)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Jeton requis\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text);
      },
      () => res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Mesures indisponibles\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metrics.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
