import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../platform/views/views';
import { variables } from './config.schema';
import { ConfigError, loadConfig } from './load-config';

const tempDir = () => mkdtempSync(join(tmpdir(), 'platform-config-'));
const KEY = 'k'.repeat(43);

describe('loadConfig', () => {
  describe('defaults', () => {
    it('serves http://localhost:3000 with the issuer under /oidc when nothing is set', () => {
      const { config } = loadConfig({ DATA_DIR: tempDir() });
      assert.equal(config.publicUrl, 'http://localhost:3000');
      assert.equal(config.issuer, 'http://localhost:3000/oidc');
      assert.equal(config.http.port, 3000);
      assert.equal(config.database.url, undefined);
      assert.equal(config.env, 'development');
    });

    it('drops the trailing slash of PUBLIC_URL', () => {
      const { config } = loadConfig({ DATA_DIR: tempDir(), PUBLIC_URL: 'https://compte.example.fr/', SECRET_KEY: KEY });
      assert.equal(config.issuer, 'https://compte.example.fr/oidc');
    });
  });

  describe('invalid values', () => {
    it('lists every problem at once, naming each variable', () => {
      assert.throws(
        () =>
          loadConfig({
            DATA_DIR: tempDir(),
            PORT: 'abc',
            DATABASE_URL: 'pas-une-url',
            NODE_ENV: 'staging',
            TRUST_PROXY: 'oui!',
          }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.problems.length, 4);
          assert.match(error.message, /PORT : « abc » n'est pas un nombre entier/);
          assert.match(error.message, /DATABASE_URL : /);
          assert.match(error.message, /NODE_ENV : valeur « staging » inconnue/);
          assert.match(error.message, /TRUST_PROXY : /);
          return true;
        },
      );
    });

    it('refuses TRUST_PROXY=true (the client would choose its own address) and takes hops or proxy addresses', () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: 'true' }),
        /TRUST_PROXY : « true » ferait confiance/,
      );
      assert.throws(() => loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: '10.0.0.0/99' }), /TRUST_PROXY : /);
      assert.equal(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: '2' }).config.http.trustProxy, 2);
      assert.equal(
        loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: 'loopback, 10.0.0.0/8,2001:db8::1' }).config.http.trustProxy,
        'loopback,10.0.0.0/8,2001:db8::1',
      );
    });

    it('refuses a port out of range and a database URL of another scheme', () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), PORT: '70000' }),
        /PORT : 70000 n'est pas compris entre 0 et 65535/,
      );
      assert.throws(() => loadConfig({ DATA_DIR: tempDir(), DATABASE_URL: 'mysql://h/db' }), /postgres:\/\//);
    });

    it('takes the mailboxes’ domain with its signed webhook, all three or none, and refuses bad ones', () => {
      const secret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
      const { config } = loadConfig({
        DATA_DIR: tempDir(),
        MAILBOX_DOMAIN: 'Boites.Example.fr',
        MAILBOX_WEBHOOK_URL: 'https://mail.example.fr/boites',
        MAILBOX_WEBHOOK_SECRET: secret,
      });
      assert.deepEqual(config.mailboxes, {
        domain: 'boites.example.fr',
        webhookUrl: 'https://mail.example.fr/boites',
        webhookSecret: secret,
      });
      assert.equal(loadConfig({ DATA_DIR: tempDir() }).config.mailboxes, undefined);
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), MAILBOX_DOMAIN: 'boites.example.fr' }),
        (error: ConfigError) => error.message.includes('définissez les trois ou aucun'),
      );
      assert.throws(
        () =>
          loadConfig({
            DATA_DIR: tempDir(),
            MAILBOX_DOMAIN: 'pas un domaine',
            MAILBOX_WEBHOOK_URL: 'https://mail.example.fr/boites',
            MAILBOX_WEBHOOK_SECRET: 'court',
          }),
        (error: ConfigError) =>
          error.message.includes('MAILBOX_DOMAIN') && error.message.includes('MAILBOX_WEBHOOK_SECRET'),
      );
    });

    it('refuses a short SECRET_KEY', () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: 'court' }),
        /SECRET_KEY : la clé doit compter au moins 32/,
      );
    });
  });

  describe('SECRET_KEY', () => {
    it('is an error when missing in production', () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), NODE_ENV: 'production' }),
        /SECRET_KEY : obligatoire en production/,
      );
    });

    it('is generated once into DATA_DIR outside production, with a warning, and reused', () => {
      const dataDir = tempDir();
      const first = loadConfig({ DATA_DIR: dataDir });
      assert.match(first.warnings.join('\n'), /SECRET_KEY absente/);
      const file = join(dataDir, 'secret-key');
      assert.equal(readFileSync(file, 'utf8').trim(), first.config.secretKey);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(first.config.secretKey.length >= 43);
      assert.equal(loadConfig({ DATA_DIR: dataDir }).config.secretKey, first.config.secretKey);
    });

    it('takes the variable when set, without a warning', () => {
      const { config, warnings } = loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY });
      assert.equal(config.secretKey, KEY);
      assert.deepEqual(warnings, []);
    });
  });

  describe('CLAMAV_HOST, CLAMAV_PORT, CLAMAV_SOCKET', () => {
    it('is no scan when unset, host and port (3310 by default) or a socket when set', () => {
      assert.equal(loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY }).config.antivirus, undefined);
      assert.deepEqual(loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, CLAMAV_HOST: 'clamav' }).config.antivirus, {
        host: 'clamav',
        port: 3310,
      });
      assert.deepEqual(
        loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, CLAMAV_HOST: '10.0.0.5', CLAMAV_PORT: '3311' }).config
          .antivirus,
        { host: '10.0.0.5', port: 3311 },
      );
      assert.deepEqual(
        loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, CLAMAV_SOCKET: '/run/clamav/clamd.ctl' }).config.antivirus,
        { socket: '/run/clamav/clamd.ctl' },
      );
    });

    it('lists every mistake at once: both, a port alone, a bad host, a bad port, a relative socket', () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, CLAMAV_HOST: 'clamav', CLAMAV_SOCKET: '/run/c.ctl' }),
        /CLAMAV_HOST et CLAMAV_SOCKET : choisissez l’un ou l’autre/,
      );
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, CLAMAV_PORT: '3310' }),
        /CLAMAV_PORT : sans effet sans CLAMAV_HOST/,
      );
      assert.throws(
        () =>
          loadConfig({
            DATA_DIR: tempDir(),
            SECRET_KEY: KEY,
            CLAMAV_HOST: 'clam av',
            CLAMAV_PORT: '99999',
            CLAMAV_SOCKET: 'clamd.ctl',
          }),
        (error: unknown) =>
          /CLAMAV_HOST : « clam av »/.test(String(error)) &&
          /CLAMAV_PORT : 99999 n'est pas compris/.test(String(error)) &&
          /CLAMAV_SOCKET : « clamd\.ctl » n'est pas un chemin absolu/.test(String(error)),
      );
    });
  });

  describe('PAYMENT_PROVIDER', () => {
    it('is the test provider outside production, and nothing in production when unset', () => {
      assert.equal(loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY }).config.payments.provider, 'test');
      const production = loadConfig({
        DATA_DIR: tempDir(),
        SECRET_KEY: KEY,
        NODE_ENV: 'production',
        SMTP_URL: 'smtp://localhost:25',
      });
      assert.equal(production.config.payments.provider, 'none');
    });

    it('refuses the test provider in production, and Stripe without its keys', () => {
      assert.throws(
        () =>
          loadConfig({
            DATA_DIR: tempDir(),
            SECRET_KEY: KEY,
            NODE_ENV: 'production',
            SMTP_URL: 'smtp://localhost:25',
            PAYMENT_PROVIDER: 'test',
          }),
        /PAYMENT_PROVIDER : le prestataire de test est refusé en production/,
      );
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, PAYMENT_PROVIDER: 'stripe' }),
        (error: unknown) =>
          /STRIPE_SECRET_KEY : obligatoire/.test(String(error)) &&
          /STRIPE_WEBHOOK_SECRET : obligatoire/.test(String(error)),
      );
      assert.throws(
        () =>
          loadConfig({
            DATA_DIR: tempDir(),
            SECRET_KEY: KEY,
            PAYMENT_PROVIDER: 'stripe',
            STRIPE_SECRET_KEY: 'pk_test_publique',
            STRIPE_WEBHOOK_SECRET: 'whsec_x',
          }),
        /STRIPE_SECRET_KEY : une clé secrète Stripe commence par sk_live_ ou sk_test_/,
      );
    });

    it('takes Stripe with its keys', () => {
      const { config } = loadConfig({
        DATA_DIR: tempDir(),
        SECRET_KEY: KEY,
        PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_abc',
        STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      });
      assert.deepEqual(config.payments, {
        provider: 'stripe',
        stripe: { secretKey: 'sk_test_abc', webhookSecret: 'whsec_abc', apiUrl: undefined },
      });
    });
  });

  describe('theme and brand', () => {
    it('defaults to the neutral theme and the platform’s name and colour', () => {
      const { config } = loadConfig({ DATA_DIR: tempDir() });
      assert.equal(config.theme, 'neutre');
      assert.deepEqual(config.brand, {
        name: 'Plateforme d’identité',
        logoUrl: undefined,
        primaryColor: '#0f5c63',
        support: { email: undefined, phone: undefined },
      });
    });

    it('takes the brand from BRAND_*', () => {
      const { config } = loadConfig({
        DATA_DIR: tempDir(),
        BRAND_NAME: ' Mon Assureur ',
        BRAND_LOGO: '/assets/favicon.svg',
        BRAND_PRIMARY_COLOR: '#7A1F5C',
        BRAND_SUPPORT_EMAIL: 'aide@assureur.example',
        BRAND_SUPPORT_PHONE: '01 23 45 67 89',
      });
      assert.deepEqual(config.brand, {
        name: 'Mon Assureur',
        logoUrl: '/assets/favicon.svg',
        primaryColor: '#7a1f5c',
        support: { email: 'aide@assureur.example', phone: '01 23 45 67 89' },
      });
    });

    it('refuses a brand colour below WCAG AA, naming the ratio, and a logo outside https', () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), BRAND_PRIMARY_COLOR: '#ffdd00', BRAND_LOGO: 'http://x.example/l.png' }),
        (error: ConfigError) =>
          error.problems.some((p) =>
            p.startsWith('BRAND_PRIMARY_COLOR : le contraste de #ffdd00 avec le blanc est de 1,34:1'),
          ) && error.problems.some((p) => p.startsWith('BRAND_LOGO : ')),
      );
    });

    it('refuses UI_THEME=dsfr, in French and telling how, when the DSFR is not installed', () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), UI_THEME: 'dsfr' }, tempDir()),
        (error: ConfigError) =>
          error.problems.some(
            (p) =>
              p.startsWith('UI_THEME : le thème « dsfr » demande le paquet @gouvfr/dsfr') && p.includes('npm install'),
          ),
      );
    });
  });

  describe('docs/configuration.md', () => {
    it('documents every variable with its default and whether it is secret', () => {
      const doc = readFileSync(join(projectRoot(), 'docs', 'configuration.md'), 'utf8');
      for (const [name, spec] of Object.entries(variables)) {
        const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
        assert.ok(row, `${name} manque dans docs/configuration.md`);
        const cells = row.split('|').map((cell) => cell.trim());
        assert.equal(cells[2], spec.default === undefined ? '(none)' : `\`${spec.default}\``, `défaut de ${name}`);
        assert.equal(cells[3], spec.secret ? 'yes' : 'no', `secret de ${name}`);
      }
    });
  });
});
