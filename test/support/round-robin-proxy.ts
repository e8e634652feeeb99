import { createServer, request, type Server } from 'node:http';

/** A load balancer for tests: sends each request to the next backend in turn, on one public port. */
export async function startRoundRobinProxy(
  port: number,
  backends: string[],
): Promise<{ hits: number[]; close(): Promise<void> }> {
  const hits = backends.map(() => 0);
  let next = 0;
  const server: Server = createServer((req, res) => {
    const index = next++ % backends.length;
    hits[index]++;
    const target = new URL(req.url ?? '/', backends[index]);
    const upstream = request(target, { method: req.method, headers: req.headers }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
