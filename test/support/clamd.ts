import { createServer, type Server, type Socket } from 'node:net';

/** The EICAR test string: every antivirus reports it as `Eicar-Test-Signature`, and it harms nothing. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export interface ClampdStandIn {
  port: number;
  /** The streams received, in order (their bytes once reassembled). */
  scans: Buffer[];
  close(): Promise<void>;
}

/**
 * A stand-in for ClamAV's daemon speaking its INSTREAM protocol (`zINSTREAM\0`, then chunks each preceded by its length
 * as a 4-byte big-endian integer, ended by a zero length): answers `stream: Eicar-Test-Signature FOUND\0` when the
 * stream contains the EICAR string, `stream: OK\0` otherwise; `PING` → `PONG`. Anything else: `UNKNOWN COMMAND`.
 */
export async function startClamdStandIn(): Promise<ClampdStandIn> {
  const scans: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    let command: string | undefined;
    const chunks: Buffer[] = [];
    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      if (command === undefined) {
        const end = buffer.findIndex((byte) => byte === 0 || byte === 10);
        if (end < 0) return;
        command = buffer.subarray(0, end).toString('latin1').replace(/^[zn]/, '');
        buffer = buffer.subarray(end + 1);
        if (command === 'PING') return void socket.end('PONG\0');
        if (command !== 'INSTREAM') return void socket.end('UNKNOWN COMMAND\0');
      }
      while (buffer.length >= 4) {
        const size = buffer.readUInt32BE(0);
        if (size === 0) {
          const stream = Buffer.concat(chunks);
          scans.push(stream);
          socket.end(stream.includes(EICAR) ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (buffer.length < 4 + size) return;
        chunks.push(buffer.subarray(4, 4 + size));
        buffer = buffer.subarray(4 + size);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('clamd : pas de port');
  return {
    port: address.port,
    scans,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
