import * as client from 'openid-client';
import { statementCount } from '../../src/platform/database/statement-counter';
import { HttpBrowser } from './http-browser';

/** How many SQL statements a step sent, and through how many HTTP requests. */
export interface StepStatements {
  step: string;
  requests: number;
  statements: number;
}

/** Reads the running count of statements sent while serving HTTP requests. */
export type StatementReader = () => Promise<number>;

/** The counter of a platform running in this process (`startTestApp`). */
export const inProcessStatements: StatementReader = async () => statementCount.request;

/**
 * The counter of a platform in another process, from its `/metrics` (`db_statements_total{origin="request"}`). A scrape
 * is itself a request whose collectors may query the database: its own cost, measured by two scrapes in a row, is
 * taken out of every reading.
 */
export function metricsStatements(base: string): StatementReader {
  let scrapes = 0;
  let cost: number | undefined;
  const scrape = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const match = /^db_statements_total\{origin="request"\} (\d+)/m.exec(text);
    if (!match) throw new Error('db_statements_total absent de /metrics');
    scrapes++;
    return Number(match[1]);
  };
  return async () => {
    if (cost === undefined) {
      const first = await scrape();
      cost = (await scrape()) - first;
    }
    const raw = await scrape();
    return raw - cost * scrapes;
  };
}

/** What was sent during `fn` (nothing else must run on the platform meanwhile). */
export async function countStatements<T>(read: StatementReader, fn: () => Promise<T>): Promise<[T, number]> {
  const before = await read();
  const result = await fn();
  // Writes a request started without awaiting them (the provider's events) land within a few ticks.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return [result, (await read()) - before];
}

export interface FlowInput {
  config: client.Configuration;
  base: string;
  identifier: string;
  password: string;
  redirectUri: string;
  scope?: string;
  /** `offline_access` with `prompt=consent`: the flow gets a refresh token, and asks for consent each time. */
  offline?: boolean;
}

/**
 * One authorization-code flow with a password sign-in, one request at a time, then a refresh, a client-credentials
 * grant and a userinfo call: the statements of each step. The consent step is there only when the site asks for it
 * (the first time for this account and this site).
 */
export async function flowStatements(read: StatementReader, input: FlowInput): Promise<StepStatements[]> {
  const { config, base } = input;
  const browser = new HttpBrowser();
  // Every redirect is returned, not followed: each call is one request.
  const oneHop = 'pas-de-suivi:';
  const steps: StepStatements[] = [];
  const step = async <T>(name: string, requests: number, fn: () => Promise<T>): Promise<T> => {
    const [result, statements] = await countStatements(read, fn);
    steps.push({ step: name, requests, statements });
    return result;
  };
  const follow = (page: { url: string; location?: string }) => {
    if (!page.location) throw new Error(`Redirection attendue depuis ${page.url}`);
    return page.location;
  };

  await step('découverte', 1, () => fetch(`${config.serverMetadata().issuer}/.well-known/openid-configuration`));
  const verifier = client.randomPKCECodeVerifier();
  const authorization = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: `${input.scope ?? 'openid'}${input.offline ? ' offline_access' : ''}`,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...(input.offline ? { prompt: 'consent' } : {}),
  });
  const identifierPage = await step('autorisation (GET /oidc/auth + page identifiant)', 2, async () => {
    const redirect = await browser.get(authorization.toString(), oneHop);
    return browser.get(follow(redirect), oneHop);
  });
  const passwordPage = await step('identifiant (POST)', 1, () =>
    browser.submit(identifierPage, /identifiant$/, { identifier: input.identifier }, oneHop),
  );
  const signedIn = await step('connexion (POST mot de passe)', 1, () =>
    browser.submit(passwordPage, /mot-de-passe$/, { password: input.password }, oneHop),
  );
  let back = await step('reprise après connexion (GET /oidc/auth/:uid)', 1, () =>
    browser.get(follow(signedIn), oneHop),
  );
  if (back.location?.startsWith(`${base}/interaction/`) || back.location?.startsWith('/interaction/')) {
    back = await step('consentement (page + POST + reprise)', 3, async () => {
      const page = await browser.get(new URL(follow(back), base).toString(), oneHop);
      const given = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, oneHop);
      return browser.get(follow(given), oneHop);
    });
  }
  const tokens = await step('jeton (code)', 1, () =>
    client.authorizationCodeGrant(config, new URL(follow(back)), { pkceCodeVerifier: verifier }),
  );
  await step('userinfo', 1, () => client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck));
  if (tokens.refresh_token) {
    await step('jeton (refresh_token)', 1, () => client.refreshTokenGrant(config, tokens.refresh_token!));
  }
  await step('jeton (client_credentials)', 1, () => client.clientCredentialsGrant(config));
  return steps;
}

/** The table the bench and `docs/performance.md` print. */
export function formatStatements(steps: StepStatements[]): string {
  const total = steps.filter((s) => !s.step.startsWith('jeton (client') && s.step !== 'découverte');
  const lines = steps.map(
    (s) => `  ${s.step.padEnd(52)} ${String(s.requests).padStart(3)} req. ${String(s.statements).padStart(4)} instr.`,
  );
  const flow = total.reduce((sum, s) => sum + s.statements, 0);
  lines.push(`  ${'flux complet (autorisation → refresh)'.padEnd(52)}           ${String(flow).padStart(4)} instr.`);
  return lines.join('\n');
}
