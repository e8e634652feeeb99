/**
 * A bare node-oidc-provider with the platform's protocol settings and the library's memory adapter, for `npm run bench`
 * to measure beside the platform: the difference is what the platform adds (PostgreSQL state, pages, audit, ...).
 * Its interaction endpoint signs the bench account in at once, after the same argon2id check as the platform.
 */
import { createServer } from 'node:http';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

async function main(): Promise<void> {
  const port = Number(process.env.PORT);
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  // ES256 for the API's JWT access tokens, as the platform signs them.
  const { privateKey: ecKey } = await generateKeyPair('ES256', { extractable: true });
  const apiResource = process.env.BENCH_API_RESOURCE ?? '';
  const apiScope = process.env.BENCH_API_SCOPE ?? '';
  const passwordHash = await hash(process.env.BENCH_PASSWORD ?? '', {
    algorithm: Algorithm.Argon2id,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'banc',
        client_secret: process.env.BENCH_SECRET,
        redirect_uris: [process.env.BENCH_REDIRECT_URI ?? ''],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
      },
      {
        client_id: 'banc-api',
        client_secret: process.env.BENCH_API_SECRET,
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
        scope: apiScope,
      },
    ],
    jwks: {
      keys: [
        { ...(await exportJWK(privateKey)), kid: 'banc', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ecKey)), kid: 'banc-ec', alg: 'ES256', use: 'sig' },
      ],
    },
    scopes: ['openid', 'offline_access', apiScope],
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== apiResource) throw new errors.InvalidTarget();
          return { scope: apiScope, audience: apiResource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    pkce: { required: () => true },
    responseTypes: ['code'],
    rotateRefreshToken: () => true,
    cookies: { keys: ['banc-d-essai'] },
  });
  const callback = provider.callback();
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (!(await verify(passwordHash, process.env.BENCH_PASSWORD ?? ''))) throw new Error('mot de passe');
      const grant = new provider.Grant({ accountId: 'banc', clientId: 'banc' });
      grant.addOIDCScope('openid');
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: 'banc' }, consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: false },
      );
      void details;
    })().catch(() => res.writeHead(500).end());
  });
  server.listen(port, '127.0.0.1', () => console.log(`prêt ${issuer}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

void main();
