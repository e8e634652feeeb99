import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpSink {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: ReceivedRequest[];
  /** The status the next requests get (a test changes it to play a failing receiver). */
  status: number;
  /** Resolves with the first request (already received or to come) that `match` accepts. */
  waitFor(match: (request: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  stop(): Promise<void>;
}

/** A real HTTP server on a free loopback port that records what it receives: an SMS gateway, a webhook receiver. */
export async function startHttpSink(): Promise<HttpSink> {
  const waiters = new Set<{ match: (r: ReceivedRequest) => boolean; resolve: (r: ReceivedRequest) => void }>();
  const sink: Omit<HttpSink, 'url' | 'stop'> & { url?: string } = {
    requests: [],
    status: 200,
    waitFor(match, timeoutMs = 10_000) {
      const found = sink.requests.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`Aucune requête attendue reçue en ${timeoutMs} ms`));
        }, timeoutMs).unref();
      });
    },
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      res.writeHead(sink.status).end();
      if (sink.status >= 300) return;
      sink.requests.push(received);
      for (const waiter of waiters) {
        if (waiter.match(received)) {
          waiters.delete(waiter);
          waiter.resolve(received);
        }
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
