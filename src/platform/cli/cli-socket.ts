import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { CliOutput } from './cli-output';

/**
 * The command line of a running instance on the embedded database. PGlite is one process's database: while the
 * platform runs on a `DATA_DIR`, no other process may open it. The instance therefore listens on a Unix socket in
 * `DATA_DIR` (owner only, no network port); the command line sends its arguments there and gets back what the command
 * printed and its exit code, exactly as if it had run the command itself.
 *
 * Protocol, one JSON object per line: the client sends `{"argv": [...]}`; the server answers `{"out": "..."}` and
 * `{"err": "..."}` as the command prints, then `{"exit": <code>}` and closes.
 */
export const CLI_SOCKET_NAME = 'cli.sock';

/** Requests larger than this are refused: arguments are short (see `MAX_ARGUMENT_LENGTH`). */
const MAX_REQUEST_BYTES = 256 * 1024;

export type CommandRunner = (argv: string[], output: CliOutput) => Promise<number>;

export function cliSocketPath(dataDir: string): string {
  return join(dataDir, CLI_SOCKET_NAME);
}

/** Listens on `DATA_DIR/cli.sock`; the caller holds the data folder's lock, so a socket file left there is stale. */
export async function startCliSocket(dataDir: string, run: CommandRunner): Promise<{ close(): Promise<void> }> {
  const path = cliSocketPath(dataDir);
  if (existsSync(path)) unlinkSync(path);
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = '';
    let started = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (started) return;
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) {
        started = true;
        return answer(socket, { err: 'Erreur : commande trop longue.\n' }, { exit: 1 });
      }
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      started = true;
      const argv = parseRequest(buffer.slice(0, end));
      if (!argv) return answer(socket, { err: 'Erreur : requête illisible.\n' }, { exit: 1 });
      const send = (message: object) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
      };
      run(argv, { out: (text) => send({ out: text }), err: (text) => send({ err: text }) }).then(
        (code) => answer(socket, { exit: code }),
        () => answer(socket, { err: 'Échec inattendu de la commande.\n' }, { exit: 1 }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, readableAll: false, writableAll: false }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Owner only: connecting to a Unix socket needs write permission on it.
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.end();
        server.close(() => resolve());
        setTimeout(() => {
          for (const socket of connections) socket.destroy();
        }, 2000).unref();
      }),
  };
}

function parseRequest(line: string): string[] | undefined {
  try {
    const { argv } = JSON.parse(line) as { argv?: unknown };
    return Array.isArray(argv) && argv.every((a) => typeof a === 'string') ? argv : undefined;
  } catch {
    return undefined;
  }
}

function answer(socket: Socket, ...messages: object[]): void {
  if (socket.destroyed) return;
  socket.end(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
}

/**
 * Sends the command to the instance running on `dataDir`, if there is one: resolves with its exit code, or with
 * `undefined` when nobody listens there (nothing runs, or a socket left by an instance that was killed).
 */
export function forwardToRunningInstance(
  dataDir: string,
  argv: string[],
  output: CliOutput,
): Promise<number | undefined> {
  const path = cliSocketPath(dataDir);
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    let connected = false;
    let exit: number | undefined;
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ argv })}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        let message: { out?: string; err?: string; exit?: number };
        try {
          message = JSON.parse(line) as typeof message;
        } catch {
          continue;
        }
        if (message.out !== undefined) output.out(message.out);
        if (message.err !== undefined) output.err(message.err);
        if (message.exit !== undefined) exit = message.exit;
      }
    });
    socket.on('error', () => {
      if (!connected) resolve(undefined);
    });
    socket.on('close', () => {
      if (!connected) return resolve(undefined);
      if (exit === undefined) {
        output.err('La plateforme s’est arrêtée pendant la commande : vérifiez son résultat.\n');
        return resolve(1);
      }
      resolve(exit);
    });
  });
}
