import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  port: number;
  /** `smtp://127.0.0.1:<port>`, for `SMTP_URL`. */
  url: string;
  /** Every message received and parsed, in order of arrival. */
  messages: ParsedMail[];
  /** Messages read and left unanswered (`stall`). */
  stalled: ParsedMail[];
  /** Resolves with the first message (already received or to come) that `match` accepts. */
  waitFor(match: (message: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  stop(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Listen on this port (to bring a stopped server back at the same address); a free one otherwise. */
  port?: number;
  /** Refuse these recipients with a permanent error (550); read at each delivery, so a test may change it. */
  rejectRecipient?: (address: string) => boolean;
  /** Read the message but never answer it (a delivery in progress, to kill the sender meanwhile); read each time. */
  stall?: boolean;
}

/** Whether a received message is addressed to `address` (for `waitFor`). */
export const sentTo = (address: string) => (mail: ParsedMail) =>
  (Array.isArray(mail.to) ? mail.to : [mail.to]).some((to) => to?.text.includes(address) ?? false);

/** A real SMTP server on a free loopback port that keeps what it receives, for tests of e-mail delivery. */
export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  const stalled: ParsedMail[] = [];
  const waiters = new Set<{ match: (m: ParsedMail) => boolean; resolve: (m: ParsedMail) => void }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 500,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipient?.(address.address)) {
        const error = new Error('Destinataire refusé') as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((message) => {
          if (options.stall) return void stalled.push(message);
          messages.push(message);
          for (const waiter of waiters) {
            if (waiter.match(message)) {
              waiters.delete(waiter);
              waiter.resolve(message);
            }
          }
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    stalled,
    waitFor(match, timeoutMs = 10_000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`Aucun message attendu reçu en ${timeoutMs} ms`));
        }, timeoutMs).unref();
      });
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
