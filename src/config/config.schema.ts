/**
 * The platform's configuration: every environment variable it reads, with its description, default and whether it is
 * a secret. `docs/configuration.md` documents the same list (a test keeps the two in step). Only `src/config/` reads
 * the environment; the rest of the code receives a typed `AppConfig`.
 */

import ipaddr from 'ipaddr.js';
import { brandColourProblem, brandLogoProblem, normaliseHexColour } from '../platform/views/branding';

export type Environment = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** What a variable's parser returns: a value, or a French message saying what is wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface VariableSpec<T> {
  description: string;
  /** The default as documented; `undefined` when the variable is optional with no default. */
  default: string | undefined;
  secret: boolean;
  parse(raw: string): Parsed<T>;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

function oneOf<const T extends string>(values: readonly T[]): (raw: string) => Parsed<T> {
  return (raw) =>
    (values as readonly string[]).includes(raw)
      ? ok(raw as T)
      : fail(`valeur « ${raw} » inconnue ; valeurs acceptées : ${values.join(', ')}`);
}

function integer(min: number, max: number): (raw: string) => Parsed<number> {
  return (raw) => {
    if (!/^\d+$/.test(raw.trim())) return fail(`« ${raw} » n'est pas un nombre entier`);
    const value = Number(raw);
    if (value < min || value > max) return fail(`${value} n'est pas compris entre ${min} et ${max}`);
    return ok(value);
  };
}

function httpUrl(raw: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`« ${raw} » n'est pas une URL valide (exemple : https://compte.example.fr)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return fail('l’URL doit commencer par http:// ou https://');
  if (url.search || url.hash) return fail('l’URL ne doit contenir ni paramètres (?) ni ancre (#)');
  // Stored without a trailing slash so that `${publicUrl}/oidc` is always well formed.
  return ok(url.toString().replace(/\/+$/, ''));
}

function postgresUrl(raw: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('ce n’est pas une URL valide (exemple : postgres://utilisateur:motdepasse@hôte:5432/base)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return fail('l’URL doit commencer par postgres:// ou postgresql://');
  }
  if (!url.hostname) return fail('l’URL ne nomme pas de serveur');
  if (url.pathname.length <= 1) return fail('l’URL ne nomme pas de base de données (…/nom_de_la_base)');
  return ok(raw);
}

function secretKey(raw: string): Parsed<string> {
  // 32 random bytes, written in base64url, are 43 characters: ask for at least that much entropy-looking material.
  if (raw.length < 32)
    return fail('la clé doit compter au moins 32 caractères (générez-la avec `openssl rand -base64 32`)');
  return ok(raw);
}

/**
 * Express's `trust proxy` setting: `false` (default), a number of hops, or a comma-separated list of proxy addresses or
 * subnets (`loopback`, `10.0.0.0/8`, ...). The client address is then the first untrusted one from the right of
 * `X-Forwarded-For`. `true` is refused: it takes the left-most address, which the client writes itself, so every
 * request could pose as a new address and slip past the per-address throttling.
 */
export type TrustProxy = false | number | string;
function trustProxy(raw: string): Parsed<TrustProxy> {
  const value = raw.trim();
  if (value === 'false' || value === '' || value === '0') return ok(false);
  if (value === 'true')
    return fail(
      '« true » ferait confiance à toute adresse annoncée par le client : indiquez le nombre de proxys (1) ou leurs adresses',
    );
  if (/^\d+$/.test(value)) return ok(Number(value));
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => isProxyAddress(entry))) return ok(entries.join(','));
  return fail(
    'valeurs acceptées : false, un nombre de proxys ou une liste d’adresses (ou de sous-réseaux) séparées par des virgules',
  );
}

function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !ipaddr.isValid(address)) return false;
  if (bits === undefined) return true;
  if (!/^\d+$/.test(bits)) return false;
  return Number(bits) <= (ipaddr.parse(address).kind() === 'ipv4' ? 32 : 128);
}

function smtpUrl(raw: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('ce n’est pas une URL valide (exemple : smtps://utilisateur:motdepasse@smtp.example.fr:465)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    return fail('l’URL doit commencer par smtp:// ou smtps://');
  if (!url.hostname) return fail('l’URL ne nomme pas de serveur');
  return ok(raw);
}

function webhookSecret(raw: string): Parsed<string> {
  const value = raw.trim();
  const base64 = value.startsWith('whsec_') ? value.slice(6) : '';
  return /^[A-Za-z0-9+/]+={0,2}$/.test(base64) && Buffer.from(base64, 'base64').length >= 24
    ? ok(value)
    : fail('secret invalide : « whsec_ » suivi de 24 octets ou plus en base64 (whsec_$(openssl rand -base64 32))');
}

function domainName(raw: string): Parsed<string> {
  const value = raw.trim().toLowerCase();
  return /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(value) || value === 'localhost'
    ? ok(value)
    : fail('nom de domaine invalide (exemple : boites.example.fr)');
}

function mailbox(raw: string): Parsed<string> {
  return /^[^<>@\s]+@[^<>@\s]+$|^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/.test(raw.trim())
    ? ok(raw.trim())
    : fail('adresse invalide (exemple : Plateforme <ne-pas-repondre@example.fr>)');
}

export const variables = {
  NODE_ENV: {
    description:
      'Execution environment. `production` turns missing secrets into errors and refuses to start while migrations are pending.',
    default: 'development',
    secret: false,
    parse: oneOf(['development', 'production', 'test'] as const),
  },
  PUBLIC_URL: {
    description:
      'Public address of the platform, as people and relying parties reach it (scheme, host, port, no trailing slash). The OpenID issuer is `${PUBLIC_URL}/oidc`.',
    default: 'http://localhost:3000',
    secret: false,
    parse: httpUrl,
  },
  PORT: {
    description: 'TCP port the HTTP server listens on.',
    default: '3000',
    secret: false,
    parse: integer(0, 65535),
  },
  HOST: {
    description: 'Address the HTTP server binds to. `0.0.0.0` listens on every interface (what a container needs).',
    default: '0.0.0.0',
    secret: false,
    parse: (raw: string) => (raw.trim() ? ok(raw.trim()) : fail('l’adresse est vide')),
  },
  DATABASE_URL: {
    description:
      'PostgreSQL server (`postgres://user:password@host:5432/database`). When unset, the platform starts its embedded database (PGlite) under `DATA_DIR`: for one node and for development.',
    default: undefined,
    secret: true,
    parse: postgresUrl,
  },
  DATABASE_POOL_SIZE: {
    description:
      'Maximum number of connections to the PostgreSQL server per instance (the embedded database always uses one).',
    default: '10',
    secret: false,
    parse: integer(1, 200),
  },
  DATA_DIR: {
    description:
      'Folder for the data kept on disk: the embedded database, the generated development secret key, and stored files (identity documents, under `files/`).',
    default: './var',
    secret: false,
    parse: (raw: string) => (raw.trim() ? ok(raw.trim()) : fail('le chemin est vide')),
  },
  SECRET_KEY: {
    description:
      'Master key (32 characters or more) from which the platform derives the keys that sign cookies and CSRF tokens and encrypt stored secrets. Required in production; elsewhere, generated into `DATA_DIR/secret-key` with a warning.',
    default: undefined,
    secret: true,
    parse: secretKey,
  },
  SMTP_URL: {
    description:
      'SMTP server for e-mail (`smtp://` or `smtps://`, credentials in the URL; `?pool=true` is implied). When unset outside production, e-mails go to the development mailbox at `/dev/boite-mail`; in production it is required.',
    default: undefined,
    secret: true,
    parse: smtpUrl,
  },
  MAIL_FROM: {
    description: 'Sender of the e-mails the platform sends.',
    default: 'Plateforme d’identité <ne-pas-repondre@localhost>',
    secret: false,
    parse: mailbox,
  },
  SMS_GATEWAY_URL: {
    description:
      'HTTP gateway that sends text messages: the platform POSTs `{"to": "+33612345678", "text": "…", "reference": "<message id>"}` as JSON (see docs/notifications.md). When unset outside production, text messages go to the development mailbox; in production, without it, the platform offers no SMS (activation and recovery by e-mail only).',
    default: undefined,
    secret: false,
    parse: httpUrl,
  },
  SMS_GATEWAY_TOKEN: {
    description: 'Bearer token sent to `SMS_GATEWAY_URL` (`Authorization: Bearer …`). Required with it.',
    default: undefined,
    secret: true,
    parse: (raw: string) => (raw.trim() ? ok(raw.trim()) : fail('le jeton est vide')),
  },
  MAILBOX_DOMAIN: {
    description:
      'Domain of the mailboxes (« BAL ») of company accounts: a secondary account with a mailbox gets `<login>@<MAILBOX_DOMAIN>`. The platform runs no mail server: it records the address and announces it to the mail system by a signed webhook (`MAILBOX_WEBHOOK_URL`, see docs/company-accounts.md). Unset: « Créer une boîte mail » is not offered.',
    default: undefined,
    secret: false,
    parse: domainName,
  },
  MAILBOX_WEBHOOK_URL: {
    description:
      'The mail system’s endpoint that creates and removes mailboxes: the platform POSTs `mailbox.created` / `mailbox.removed` events as JSON through the outbox, signed with Standard Webhooks headers (HMAC-SHA256 with `MAILBOX_WEBHOOK_SECRET`). Required with `MAILBOX_DOMAIN`.',
    default: undefined,
    secret: false,
    parse: httpUrl,
  },
  MAILBOX_WEBHOOK_SECRET: {
    description:
      'The secret that signs the mailbox webhooks (Standard Webhooks: `whsec_` followed by base64, 24 bytes or more; `openssl rand -base64 32`, prefixed). Required with `MAILBOX_DOMAIN`.',
    default: undefined,
    secret: true,
    parse: webhookSecret,
  },
  OUTBOX_LEASE_SECONDS: {
    description:
      'How long a worker keeps a message it is sending before another instance may take it over (a worker killed in the middle of sending). Longer than the slowest delivery.',
    default: '120',
    secret: false,
    parse: integer(2, 3600),
  },
  REGISTRATION_CONTRACT_NUMBER: {
    description:
      'Whether the Entreprise registration form asks for a contract number: `off` (not shown), `optional` or `required`.',
    default: 'off',
    secret: false,
    parse: oneOf(['off', 'optional', 'required'] as const),
  },
  FRANCECONNECT_ISSUER: {
    description:
      'FranceConnect v2 issuer (`https://fcp-low.sbx.dev-franceconnect.fr/api/v2` for the sandbox, `https://oidc.franceconnect.gouv.fr/api/v2` in production); everything else is read from its discovery document. With `FRANCECONNECT_CLIENT_ID` and `FRANCECONNECT_CLIENT_SECRET`, it shows the FranceConnect button. Unset outside production on the embedded database, `npm start` runs a local FranceConnect stand-in on `PORT + 2` instead.',
    default: undefined,
    secret: false,
    parse: httpUrl,
  },
  FRANCECONNECT_CLIENT_ID: {
    description: 'The platform’s client id at FranceConnect (given when the service is registered with FC).',
    default: undefined,
    secret: false,
    parse: (raw: string) => (raw.trim() ? ok(raw.trim()) : fail('l’identifiant est vide')),
  },
  FRANCECONNECT_CLIENT_SECRET: {
    description: 'The platform’s client secret at FranceConnect (sent with `client_secret_post`).',
    default: undefined,
    secret: true,
    parse: (raw: string) => (raw.trim() ? ok(raw.trim()) : fail('le secret est vide')),
  },
  FRANCECONNECT_ACR_VALUES: {
    description:
      'The eIDAS level asked of FranceConnect (`acr_values`) and required of its ID tokens. FranceConnect offers `eidas1`; FranceConnect+ (`eidas2`, `eidas3`, encrypted tokens) is not supported yet.',
    default: 'eidas1',
    secret: false,
    parse: oneOf(['eidas1'] as const),
  },
  FRANCECONNECT_SESSION_LIFETIME: {
    description:
      'How long FranceConnect keeps its own session, in minutes (30 at FC). At logout, a FranceConnect sign-in older than this skips FC’s `session/end` (FC would only show its error page) and ends at the platform’s « Vous êtes déconnecté » page.',
    default: '30',
    secret: false,
    parse: integer(1, 24 * 60),
  },
  TRUST_PROXY: {
    description:
      'Whether the platform sits behind reverse proxies whose `X-Forwarded-*` headers it may trust (Express `trust proxy`): `false`, the number of proxies in front (`1`), or a comma-separated list of their addresses or subnets (`loopback`, `10.0.0.0/8`). The client address, used by the per-address throttling and the audit trail, is the first untrusted one from the right of `X-Forwarded-For`. `true` is refused (the client could choose its address). Needed behind a TLS proxy for secure cookies and client addresses.',
    default: 'false',
    secret: false,
    parse: trustProxy,
  },
  METRICS_TOKEN: {
    description:
      'Bearer token (16 characters or more) that `/metrics` then requires (`Authorization: Bearer …`), for a Prometheus that scrapes through the public address. Without it and without `METRICS_PORT`, `/metrics` is public (a warning in production).',
    default: undefined,
    secret: true,
    parse: (raw: string) =>
      raw.trim().length >= 16 ? ok(raw.trim()) : fail('16 caractères au moins (openssl rand -base64 24)'),
  },
  METRICS_PORT: {
    description:
      'Serve the metrics on this port of the loopback interface (`http://127.0.0.1:PORT/metrics`) instead of the public port, where `/metrics` then answers 404. With `METRICS_TOKEN`, the token is required there too.',
    default: undefined,
    secret: false,
    parse: integer(1, 65535),
  },
  PAYMENT_PROVIDER: {
    description:
      'Where invoices are paid online: `test` (a local test provider with a hosted payment page, for development; refused in production) or `stripe` (Stripe Checkout, with `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET`). Unset: `test` outside production, no online payment in production. See docs/payments.md.',
    default: undefined,
    secret: false,
    parse: oneOf(['test', 'stripe'] as const),
  },
  PAYMENT_TEST_PROVIDER_URL: {
    description:
      'Address of the local test payment provider (`PAYMENT_PROVIDER=test`). Unset outside production on the embedded database, `npm start` runs it on `PORT + 3` and uses it.',
    default: undefined,
    secret: false,
    parse: httpUrl,
  },
  STRIPE_SECRET_KEY: {
    description:
      'Stripe secret API key (`sk_live_…`, or `sk_test_…` in Stripe’s test mode). Required with `PAYMENT_PROVIDER=stripe`.',
    default: undefined,
    secret: true,
    parse: (raw: string) =>
      /^(sk|rk)_(live|test)_\S+$/.test(raw.trim())
        ? ok(raw.trim())
        : fail('une clé secrète Stripe commence par sk_live_ ou sk_test_'),
  },
  STRIPE_WEBHOOK_SECRET: {
    description:
      'Signing secret of the Stripe webhook endpoint `${PUBLIC_URL}/paiements/webhooks/stripe` (`whsec_…`). Required with `PAYMENT_PROVIDER=stripe`.',
    default: undefined,
    secret: true,
    parse: (raw: string) =>
      /^whsec_\S+$/.test(raw.trim())
        ? ok(raw.trim())
        : fail('le secret de signature d’un webhook Stripe commence par whsec_'),
  },
  STRIPE_API_URL: {
    description:
      'Stripe’s API address. Leave unset (`https://api.stripe.com`); set it only to talk to a local stand-in such as `stripe-mock` in tests.',
    default: undefined,
    secret: false,
    parse: httpUrl,
  },
  CLAMAV_HOST: {
    description:
      'Host name or address of a ClamAV daemon (`clamd`, TCP) that scans every uploaded file of the client space before it is stored (with `CLAMAV_PORT`, default 3310). Or `CLAMAV_SOCKET`. Unset (both): files are not scanned. When set and `clamd` does not answer, uploads are refused (fail closed). See docs/client-space.md.',
    default: undefined,
    secret: false,
    parse: (raw: string) =>
      /^[A-Za-z0-9.-]{1,253}$|^\[?[0-9A-Fa-f:.]+\]?$/.test(raw.trim())
        ? ok(raw.trim().replace(/^\[|\]$/g, ''))
        : fail(`« ${raw} » n'est pas un nom d'hôte ou une adresse (exemple : clamav ou 10.0.0.5)`),
  },
  CLAMAV_PORT: {
    description: 'TCP port of `clamd` on `CLAMAV_HOST`.',
    default: undefined,
    secret: false,
    parse: integer(1, 65535),
  },
  CLAMAV_SOCKET: {
    description:
      'Absolute path of `clamd`’s local (Unix) socket, instead of `CLAMAV_HOST` (e.g. `/run/clamav/clamd.ctl`).',
    default: undefined,
    secret: false,
    parse: (raw: string) =>
      raw.startsWith('/') && raw.length <= 1000
        ? ok(raw)
        : fail(`« ${raw} » n'est pas un chemin absolu (exemple : /run/clamav/clamd.ctl)`),
  },
  UI_THEME: {
    description:
      'Look of the pages: `neutre` (the platform’s own theme, open font, no State mark) or `dsfr` (the State design system, for a State service on a `.gouv.fr` site only; its package is not part of the default install, see docs/adr/0003-neutral-theme.md).',
    default: 'neutre',
    secret: false,
    parse: oneOf(['neutre', 'dsfr'] as const),
  },
  BRAND_NAME: {
    description: 'Name of the service shown in the header, the footer, the page titles and the e-mails.',
    default: 'Plateforme d’identité',
    secret: false,
    parse: (raw: string) => (raw.trim() && raw.trim().length <= 80 ? ok(raw.trim()) : fail('entre 1 et 80 caractères')),
  },
  BRAND_LOGO: {
    description:
      'Logo shown beside the name in the header: a path on the platform (`/…`) or an `https://` address (the CSP allows images from `https:` origins for logos). Unset: the name alone.',
    default: undefined,
    secret: false,
    parse: (raw: string) => {
      const problem = brandLogoProblem(raw);
      return problem ? fail(problem) : ok(raw.trim());
    },
  },
  BRAND_PRIMARY_COLOR: {
    description:
      'Main colour of the pages (buttons, links, header rule), `#rrggbb`. Refused below a contrast of 4.5:1 against white (WCAG 2.1 AA), the ratio named in the message.',
    default: '#0f5c63',
    secret: false,
    parse: (raw: string) => {
      const problem = brandColourProblem(raw);
      return problem ? fail(problem) : ok(normaliseHexColour(raw)!);
    },
  },
  BRAND_SUPPORT_EMAIL: {
    description: 'Support address shown in the footer of every page. Unset: not shown.',
    default: undefined,
    secret: false,
    parse: (raw: string) =>
      /^[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+$/.test(raw.trim())
        ? ok(raw.trim())
        : fail('adresse invalide (exemple : support@example.fr)'),
  },
  BRAND_SUPPORT_PHONE: {
    description: 'Support telephone number shown in the footer (as written, e.g. `01 23 45 67 89`). Unset: not shown.',
    default: undefined,
    secret: false,
    parse: (raw: string) =>
      /^\+?[0-9 .()-]{4,30}$/.test(raw.trim()) ? ok(raw.trim()) : fail('numéro invalide (exemple : 01 23 45 67 89)'),
  },
  LOG_LEVEL: {
    description: 'Minimum level of the logs: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
    secret: false,
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  },
} satisfies Record<string, VariableSpec<unknown>>;

export type VariableName = keyof typeof variables;
