import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small HTTP helpers for the development servers (demo site, FranceConnect stand-in), which use `node:http` alone. */

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location }).end();
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export const escapeHtml = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
