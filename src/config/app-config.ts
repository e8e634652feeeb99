import type { Environment, LogLevel, TrustProxy } from './config.schema';

/** The validated configuration every other part of the platform receives. */
export interface AppConfig {
  env: Environment;
  isProduction: boolean;
  /** Without a trailing slash. */
  publicUrl: string;
  /** The OpenID issuer: `${publicUrl}/oidc`. */
  issuer: string;
  http: { host: string; port: number; trustProxy: TrustProxy };
  database: {
    /** A PostgreSQL server; `undefined` selects the embedded database under `dataDir`. */
    url: string | undefined;
    poolSize: number;
  };
  /** Absolute path. */
  dataDir: string;
  secretKey: string;
  mail: {
    /** `undefined`: the development mailbox (never in production). */
    smtpUrl: string | undefined;
    from: string;
  };
  sms: {
    /** `undefined`: the development mailbox outside production, no SMS in production. */
    gateway: { url: string; token: string } | undefined;
  };
  outbox: { leaseSeconds: number };
  /** Company accounts' mailboxes: their domain and the mail system's webhook; `undefined`: no mailbox offered. */
  mailboxes: { domain: string; webhookUrl: string; webhookSecret: string } | undefined;
  /** FranceConnect v2, when configured (all three settings); `undefined` hides the button. */
  franceconnect: FranceConnectConfig | undefined;
  registration: { contractNumber: 'off' | 'optional' | 'required' };
  /** Online payments (invoices): the provider the platform sends payers to. */
  payments: PaymentsConfig;
  /** `clamd`, which scans uploaded files before they are stored; `undefined`: no scan. */
  antivirus: { host: string; port: number } | { socket: string } | undefined;
  logLevel: LogLevel;
  /** The pages' look: `neutre` (default) or `dsfr` (opt-in, its package installed by the operator). */
  theme: 'neutre' | 'dsfr';
  /** The deployment's brand (a page may show another: `src/platform/views/branding.ts`). */
  brand: {
    name: string;
    logoUrl: string | undefined;
    /** `#rrggbb`, checked for contrast. */
    primaryColor: string;
    support: { email: string | undefined; phone: string | undefined };
  };
  /** `/metrics`: bearer token required when set; on its own loopback port when `port` is set. */
  metrics: { token: string | undefined; port: number | undefined };
}

/** Injection token of the configuration in the Nest container. */
export const APP_CONFIG = Symbol('APP_CONFIG');

export interface FranceConnectConfig {
  /** Without a trailing slash, e.g. `https://oidc.franceconnect.gouv.fr/api/v2`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The level asked and required: `eidas1`. */
  acrValues: 'eidas1';
  /** FC's own session lifetime: an older FC sign-in skips FC's logout. */
  sessionLifetimeMinutes: number;
}

export type PaymentsConfig =
  /** Production without `PAYMENT_PROVIDER`: no online payment (`startPayment` answers that it is unavailable). */
  | { provider: 'none' }
  | {
      provider: 'test';
      /** The local test provider; `undefined` when none runs (online payment then unavailable). */
      testProviderUrl: string | undefined;
    }
  | {
      provider: 'stripe';
      stripe: {
        secretKey: string;
        webhookSecret: string;
        /** `undefined`: Stripe's own API. */
        apiUrl: string | undefined;
      };
    };
