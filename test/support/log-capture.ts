import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

/**
 * The logs of the end-to-end suites, kept for `test/run.ts` to read once they have all run: a password, a hash, a
 * token, a code, an e-mail address or a phone number found there fails the run (STYLE.md, "Errors and logs").
 *
 * `TEST_LOG_DIR` (set by `test/run.ts`) receives each application's log, each spawned platform's output, and the
 * secrets the tests typed or received (`secrets-*.txt`), searched for as they are.
 */
const logDir = () => process.env.TEST_LOG_DIR;
let files = 0;

/** A log file for one in-process application, or `undefined` when the logs are not kept. */
export function testLogDestination(): pino.DestinationStream | undefined {
  const dir = logDir();
  if (!dir) return undefined;
  return pino.destination({ dest: join(dir, `app-${process.pid}-${++files}.log`), sync: true });
}

/** Keeps what a spawned platform printed. */
export function keepProcessOutput(output: string): void {
  const dir = logDir();
  if (dir) appendFileSync(join(dir, `process-${process.pid}-${++files}.log`), output);
}

/** A secret a test typed or received: the logs must never contain it. */
export function recordSecret(value: string | undefined): void {
  const dir = logDir();
  if (!dir || !value || value.length < 6) return;
  appendFileSync(join(dir, `secrets-${process.pid}.txt`), `${value}\n`);
}

/** Form fields whose values are secrets (passwords, one-time codes, tokens). */
export const SECRET_FIELD = /pass|code|token|secret|otp/i;

const PATTERNS: Array<[string, RegExp]> = [
  ['adresse électronique', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
  ['numéro de téléphone', /(?<![\w.])(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}(?![\w])/],
  ['empreinte de mot de passe', /\$argon2(?:id|i|d)\$|\$2[aby]\$\d\d\$/],
  ['jeton JWT', /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./],
  [
    'champ secret en clair',
    // (`code` is left out: error codes are logged; the authorization and one-time codes are searched as recorded.)
    /"(?:password|motDePasse|secret|client_secret|token|access_token|refresh_token|id_token|otp)":"(?!\[masqué\])[^"]+"/i,
  ],
];

export interface LogScan {
  files: number;
  lines: number;
  findings: string[];
}

/** Reads every kept log and lists what must not be there (at most a few examples of each). */
export function scanKeptLogs(dir: string): LogScan {
  const names = readdirSync(dir);
  const secrets = new Set(
    names
      .filter((name) => name.startsWith('secrets-'))
      .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
      .filter((secret) => secret.length >= 6),
  );
  const findings: string[] = [];
  let lines = 0;
  const logs = names.filter((name) => name.endsWith('.log'));
  for (const name of logs) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      lines++;
      const found = PATTERNS.flatMap(([what, pattern]) => {
        const match = pattern.exec(line);
        return match ? [`${what} « ${match[0].slice(0, 80)} »`] : [];
      });
      for (const secret of secrets)
        if (containsSecret(line, secret)) found.push(`secret saisi ou reçu par un test « ${secret} »`);
      if (found.length > 0 && findings.length < 20)
        findings.push(`${found.join(', ')} (${name}) : ${line.slice(0, 300)}`);
    }
  }
  return { files: logs.length, lines, findings };
}

/**
 * Whether a log line holds a secret as a value of its own, not as a piece of a longer word: a 6-digit code also occurs,
 * by chance, inside the hex of a request id or a UUID, which is no leak.
 */
function containsSecret(line: string, secret: string): boolean {
  let at = line.indexOf(secret);
  while (at !== -1) {
    const before = line[at - 1] ?? '';
    const after = line[at + secret.length] ?? '';
    if (!/[0-9A-Za-z]/.test(before) && !/[0-9A-Za-z]/.test(after)) return true;
    at = line.indexOf(secret, at + 1);
  }
  return false;
}
