import type { Server } from 'node:http';

/** The whole stop (SIGTERM) must fit in this: orchestrators kill after 10 s by default. */
export const STOP_DEADLINE_MS = 9_500;
/** How long requests in flight get to finish once the server stops taking new ones. */
export const HTTP_DRAIN_MS = 5_000;

/**
 * Stops taking connections and requests, lets the requests in flight finish (up to `graceMs`), then cuts what is
 * left: idle keep-alive connections at once, busy ones after the grace period.
 */
export function drainHttpServer(server: Server, graceMs = HTTP_DRAIN_MS): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
    // A keep-alive connection that goes idle after its last response is closed as soon as it does.
    server.on('request', (_req, res) => {
      res.setHeader('Connection', 'close');
    });
  });
}
