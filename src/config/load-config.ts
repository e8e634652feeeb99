import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { AppConfig } from './app-config';
import { variables, type VariableName } from './config.schema';

/** Every problem found in the environment, listed at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: AppConfig;
  /** Unsafe development defaults in force, to print at boot. */
  warnings: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates the environment and returns the typed configuration, or throws a `ConfigError` listing every problem.
 * Outside production a missing `SECRET_KEY` is read from, or generated into, `DATA_DIR/secret-key`.
 */
export function loadConfig(env: Env, cwd = process.cwd()): LoadedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const values: Partial<Record<VariableName, unknown>> = {};

  for (const name of Object.keys(variables) as VariableName[]) {
    const spec = variables[name];
    const raw = env[name];
    const source = raw === undefined || raw === '' ? spec.default : raw;
    if (source === undefined) continue;
    const parsed = spec.parse(source);
    if (parsed.ok) values[name] = parsed.value;
    else problems.push(`${name} : ${parsed.error}`);
  }

  const nodeEnv = (values.NODE_ENV ?? 'development') as AppConfig['env'];
  const isProduction = nodeEnv === 'production';
  const dataDir = resolve(cwd, (values.DATA_DIR as string | undefined) ?? './var');
  if (isProduction && values.SECRET_KEY === undefined && !env.SECRET_KEY) {
    problems.push('SECRET_KEY : obligatoire en production (générez-la avec `openssl rand -base64 32`)');
  }
  const publicUrl = values.PUBLIC_URL as string | undefined;
  if (isProduction && publicUrl?.startsWith('http:')) {
    warnings.push('PUBLIC_URL est en http:// en production : les cookies ne seront pas marqués « Secure ».');
  }
  if (isProduction && values.SMTP_URL === undefined) {
    problems.push('SMTP_URL : obligatoire en production (les e-mails d’activation et de récupération doivent partir)');
  }
  if ((values.SMS_GATEWAY_URL === undefined) !== (values.SMS_GATEWAY_TOKEN === undefined)) {
    problems.push('SMS_GATEWAY_URL et SMS_GATEWAY_TOKEN : définissez les deux ou aucun');
  }
  const mailboxSet = [values.MAILBOX_DOMAIN, values.MAILBOX_WEBHOOK_URL, values.MAILBOX_WEBHOOK_SECRET];
  if (mailboxSet.some((v) => v !== undefined) && mailboxSet.some((v) => v === undefined)) {
    problems.push('MAILBOX_DOMAIN, MAILBOX_WEBHOOK_URL et MAILBOX_WEBHOOK_SECRET : définissez les trois ou aucun');
  }
  if (isProduction && (values.MAILBOX_WEBHOOK_URL as string | undefined)?.startsWith('http:')) {
    problems.push('MAILBOX_WEBHOOK_URL : https:// obligatoire en production');
  }
  const franceconnectSet = [
    values.FRANCECONNECT_ISSUER,
    values.FRANCECONNECT_CLIENT_ID,
    values.FRANCECONNECT_CLIENT_SECRET,
  ];
  if (franceconnectSet.some((v) => v !== undefined) && franceconnectSet.some((v) => v === undefined)) {
    problems.push(
      'FRANCECONNECT_ISSUER, FRANCECONNECT_CLIENT_ID et FRANCECONNECT_CLIENT_SECRET : définissez les trois ou aucun',
    );
  }
  if (isProduction && (values.FRANCECONNECT_ISSUER as string | undefined)?.startsWith('http:')) {
    problems.push('FRANCECONNECT_ISSUER : https:// obligatoire en production');
  }
  if (isProduction && values.METRICS_TOKEN === undefined && values.METRICS_PORT === undefined) {
    warnings.push('/metrics est public : protégez-le avec METRICS_TOKEN ou servez-le en local avec METRICS_PORT.');
  }
  if (isProduction && values.DATABASE_URL === undefined) {
    warnings.push('Base de données embarquée en production : elle ne sert qu’une seule instance.');
  }
  const paymentProvider = values.PAYMENT_PROVIDER as 'test' | 'stripe' | undefined;
  if (isProduction && paymentProvider === 'test') {
    problems.push('PAYMENT_PROVIDER : le prestataire de test est refusé en production (stripe)');
  }
  if (paymentProvider === 'stripe') {
    if (values.STRIPE_SECRET_KEY === undefined)
      problems.push('STRIPE_SECRET_KEY : obligatoire avec PAYMENT_PROVIDER=stripe');
    if (values.STRIPE_WEBHOOK_SECRET === undefined)
      problems.push('STRIPE_WEBHOOK_SECRET : obligatoire avec PAYMENT_PROVIDER=stripe');
  }
  if (values.CLAMAV_HOST !== undefined && values.CLAMAV_SOCKET !== undefined) {
    problems.push('CLAMAV_HOST et CLAMAV_SOCKET : choisissez l’un ou l’autre');
  }
  if (values.CLAMAV_PORT !== undefined && values.CLAMAV_HOST === undefined) {
    problems.push('CLAMAV_PORT : sans effet sans CLAMAV_HOST');
  }
  if (values.UI_THEME === 'dsfr' && !dsfrInstalled(cwd)) {
    problems.push(
      'UI_THEME : le thème « dsfr » demande le paquet @gouvfr/dsfr, qui n’est pas installé. Il est réservé aux services de l’État ' +
        '(sites en .gouv.fr). Pour l’installer, acceptez ses conditions d’utilisation (cp config/dsfr.yml.example .dsfr.yml) ' +
        'puis lancez « npm install --no-save @gouvfr/dsfr@1.15.3 » (voir docs/adr/0003-neutral-theme.md) ; ' +
        'sinon, retirez UI_THEME ou choisissez « neutre ».',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  let secretKey = values.SECRET_KEY as string | undefined;
  if (secretKey === undefined) {
    secretKey = readOrCreateDevelopmentKey(dataDir);
    warnings.push(
      `SECRET_KEY absente : la clé de développement de ${join(dataDir, 'secret-key')} est utilisée. Définissez SECRET_KEY hors développement.`,
    );
  }

  const config: AppConfig = {
    env: nodeEnv,
    isProduction,
    publicUrl: publicUrl!,
    issuer: `${publicUrl!}/oidc`,
    http: {
      host: values.HOST as string,
      port: values.PORT as number,
      trustProxy: values.TRUST_PROXY as AppConfig['http']['trustProxy'],
    },
    database: {
      url: values.DATABASE_URL as string | undefined,
      poolSize: values.DATABASE_POOL_SIZE as number,
    },
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    secretKey,
    mail: { smtpUrl: values.SMTP_URL as string | undefined, from: values.MAIL_FROM as string },
    sms: {
      gateway:
        values.SMS_GATEWAY_URL === undefined
          ? undefined
          : { url: values.SMS_GATEWAY_URL as string, token: values.SMS_GATEWAY_TOKEN as string },
    },
    outbox: { leaseSeconds: values.OUTBOX_LEASE_SECONDS as number },
    mailboxes:
      values.MAILBOX_DOMAIN === undefined
        ? undefined
        : {
            domain: values.MAILBOX_DOMAIN as string,
            webhookUrl: values.MAILBOX_WEBHOOK_URL as string,
            webhookSecret: values.MAILBOX_WEBHOOK_SECRET as string,
          },
    franceconnect:
      values.FRANCECONNECT_ISSUER === undefined
        ? undefined
        : {
            issuer: values.FRANCECONNECT_ISSUER as string,
            clientId: values.FRANCECONNECT_CLIENT_ID as string,
            clientSecret: values.FRANCECONNECT_CLIENT_SECRET as string,
            acrValues: values.FRANCECONNECT_ACR_VALUES as 'eidas1',
            sessionLifetimeMinutes: values.FRANCECONNECT_SESSION_LIFETIME as number,
          },
    registration: {
      contractNumber: values.REGISTRATION_CONTRACT_NUMBER as AppConfig['registration']['contractNumber'],
    },
    payments:
      paymentProvider === 'stripe'
        ? {
            provider: 'stripe',
            stripe: {
              secretKey: values.STRIPE_SECRET_KEY as string,
              webhookSecret: values.STRIPE_WEBHOOK_SECRET as string,
              apiUrl: values.STRIPE_API_URL as string | undefined,
            },
          }
        : paymentProvider === 'test' || !isProduction
          ? { provider: 'test', testProviderUrl: values.PAYMENT_TEST_PROVIDER_URL as string | undefined }
          : { provider: 'none' },
    antivirus:
      values.CLAMAV_SOCKET !== undefined
        ? { socket: values.CLAMAV_SOCKET as string }
        : values.CLAMAV_HOST !== undefined
          ? { host: values.CLAMAV_HOST as string, port: (values.CLAMAV_PORT as number | undefined) ?? 3310 }
          : undefined,
    logLevel: values.LOG_LEVEL as AppConfig['logLevel'],
    theme: values.UI_THEME as AppConfig['theme'],
    brand: {
      name: values.BRAND_NAME as string,
      logoUrl: values.BRAND_LOGO as string | undefined,
      primaryColor: values.BRAND_PRIMARY_COLOR as string,
      support: {
        email: values.BRAND_SUPPORT_EMAIL as string | undefined,
        phone: values.BRAND_SUPPORT_PHONE as string | undefined,
      },
    },
    metrics: { token: values.METRICS_TOKEN as string | undefined, port: values.METRICS_PORT as number | undefined },
  };
  return { config, warnings };
}

/** Whether `@gouvfr/dsfr` can be loaded (the operator's opt-in install). */
export function dsfrInstalled(cwd = process.cwd()): boolean {
  for (const base of [cwd, __dirname]) {
    try {
      require.resolve('@gouvfr/dsfr/package.json', { paths: [base] });
      return true;
    } catch {
      // Not installed from there.
    }
  }
  return false;
}

/** The configuration of this process's environment: the one place that reads `process.env`. */
export function loadConfigFromEnvironment(overrides: Env = {}): LoadedConfig {
  return loadConfig({ ...process.env, ...overrides });
}

function readOrCreateDevelopmentKey(dataDir: string): string {
  const file = join(dataDir, 'secret-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  // `wx`: when two processes start at once, the second fails here instead of overwriting the first one's key.
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}
