import { createServer, Socket } from 'node:net';

/**
 * A TCP proxy for tests that can fall silent: `silence()` stops passing bytes both ways on the open connections
 * without closing them (a path cut by a firewall or a lost host: no FIN, no RST), while new connections still pass.
 */
export async function startSilentProxy(target: {
  host: string;
  port: number;
}): Promise<{ port: number; silence(): void; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((downstream) => {
    const upstream = new Socket();
    upstream.connect(target.port, target.host);
    const pair: [Socket, Socket] = [downstream, upstream];
    pairs.add(pair);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    const end = () => {
      pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    silence() {
      for (const [downstream, upstream] of pairs) {
        downstream.unpipe(upstream);
        upstream.unpipe(downstream);
        downstream.pause();
        upstream.pause();
      }
    },
    async close() {
      for (const [downstream, upstream] of pairs) {
        downstream.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
