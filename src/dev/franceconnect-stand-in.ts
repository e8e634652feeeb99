import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { escapeHtml, readBody, redirect } from './tiny-http';

/**
 * A development stand-in for FranceConnect v2 (`../shared/FRANCECONNECT.md`): an OpenID provider as strict as FC on
 * what it accepts, so that a client which works here does not stumble on the real one. `npm start` runs it beside the
 * platform on the embedded default; the tests run it to check the platform's requests and to make it misbehave.
 * Never started in production. Its state (clients, codes, tokens) lives in memory.
 */

export interface StandInClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

/** A test identity: FC's identité pivot, plus its e-mail. */
export interface TestIdentity {
  id: string;
  given_name: string;
  family_name: string;
  preferred_username: string;
  birthdate: string;
  gender: 'male' | 'female';
  birthplace: string;
  birthcountry: string;
  email: string;
}

export const TEST_IDENTITIES: TestIdentity[] = [
  {
    id: 'angela',
    given_name: 'Angela Claire Louise',
    family_name: 'DUBOIS',
    preferred_username: '',
    birthdate: '1962-08-24',
    gender: 'female',
    birthplace: '75107',
    birthcountry: '99100',
    email: 'angela.dubois@exemple.fr',
  },
  {
    id: 'jean-pierre',
    given_name: 'Jean Pierre Marie Joseph',
    family_name: 'MARTIN',
    preferred_username: 'LEROY',
    birthdate: '1981-01-01',
    gender: 'male',
    birthplace: '69123',
    birthcountry: '99100',
    email: 'jp.martin@exemple.fr',
  },
  {
    id: 'carmen',
    given_name: 'Carmen',
    family_name: 'GARCIA LÓPEZ',
    preferred_username: '',
    birthdate: '1990-03-12',
    gender: 'female',
    birthplace: '',
    birthcountry: '99134',
    email: 'carmen.garcia@exemple.fr',
  },
];

/** What the next sign-in does wrong, for the tests and for trying the platform's error pages by hand. */
export const MISBEHAVIOURS = {
  access_denied: 'refus de la personne (access_denied)',
  server_error: 'erreur de FranceConnect (server_error)',
  wrong_nonce: 'ID token avec un autre nonce',
  wrong_audience: 'ID token pour un autre client',
  unknown_key_id_token: 'ID token signé par une clé inconnue',
  unknown_key_userinfo: 'userinfo signé par une clé inconnue',
  acr_too_low: 'ID token avec un acr inférieur (eidas0)',
  userinfo_other_sub: 'userinfo pour une autre personne (sub différent)',
  wrong_issuer_callback: 'retour avec un autre iss',
  token_http_500: 'erreur HTTP 500 au point de jeton',
  token_unreachable: 'connexion coupée au point de jeton',
  userinfo_http_500: 'erreur HTTP 500 au point userinfo',
} as const;
export type Misbehaviour = keyof typeof MISBEHAVIOURS;

export interface StandInRequest {
  endpoint: 'authorize' | 'token' | 'userinfo' | 'session/end';
  method: string;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** The stand-in's verdict: `ok`, or FC's error code. */
  outcome: string;
}

export interface FranceConnectStandIn {
  /** `http://<host>:<port>/api/v2`. */
  issuer: string;
  registerClient(client: StandInClient): void;
  misbehaveNext(misbehaviour: Misbehaviour): void;
  /** Signs with a new key published under the same `kid` (as FC did once), the old key no longer published. */
  changeKeyKeepingKid(): Promise<void>;
  /** Every request it received, in order (for the tests). */
  readonly requests: StandInRequest[];
  close(): Promise<void>;
}

/** FC's lifetimes, in seconds. */
const CODE_TTL = 30;
const TOKEN_TTL = 60;
const ALLOWED_AUTHORIZE_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'acr_values',
  'prompt',
]);
const SCOPES = new Set([
  'openid',
  'given_name',
  'family_name',
  'preferred_username',
  'birthdate',
  'gender',
  'birthplace',
  'birthcountry',
  'email',
  'profile',
  'birth',
  'identite_pivot',
]);
const CLAIMS_OF_SCOPE: Record<string, Array<keyof TestIdentity>> = {
  given_name: ['given_name'],
  family_name: ['family_name'],
  preferred_username: ['preferred_username'],
  birthdate: ['birthdate'],
  gender: ['gender'],
  birthplace: ['birthplace'],
  birthcountry: ['birthcountry'],
  email: ['email'],
  profile: ['given_name', 'family_name', 'preferred_username', 'birthdate', 'gender'],
  birth: ['birthplace', 'birthcountry'],
  identite_pivot: ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'],
};

interface Attempt {
  client: StandInClient;
  redirectUri: string;
  state: string;
  nonce: string;
  scope: string[];
  misbehaviour?: Misbehaviour;
}

interface Grant extends Attempt {
  identity: TestIdentity;
  expiresAt: number;
}

export async function startFranceConnectStandIn(options: {
  port: number;
  /** The host in its URLs (what the browser reaches). */
  host?: string;
}): Promise<FranceConnectStandIn> {
  const host = options.host ?? 'localhost';
  const base = `http://${host}:${options.port}`;
  const issuer = `${base}/api/v2`;
  const keyId = randomBytes(8).toString('hex');
  let { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  // Every key it signed with, for `session/end` (FC accepts an old, even expired, ID token there).
  const formerKeys: CryptoKey[] = [];
  // A key nobody published, for the "unknown key" misbehaviours.
  const stranger = await generateKeyPair('ES256');
  let publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: keyId, alg: 'ES256', use: 'sig' };

  const clients = new Map<string, StandInClient>();
  const attempts = new Map<string, Attempt>();
  const codes = new Map<string, Grant>();
  const accessTokens = new Map<string, Grant>();
  const requests: StandInRequest[] = [];
  let nextMisbehaviour: Misbehaviour | undefined;

  const subFor = (client: StandInClient, identity: TestIdentity) =>
    `${createHash('sha256').update(`${client.clientId}:${identity.id}`).digest('hex')}v1`;

  // The stranger's key has its own `kid`, absent from the published set (as a key FC never published would be).
  const sign = (payload: Record<string, unknown>, key: CryptoKey) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: key === stranger.privateKey ? `${keyId}-inconnue` : keyId })
      .sign(key);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    const path = url.pathname.replace(/^\/api\/v2/, '');
    const body = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : new URLSearchParams();
    const params = Object.fromEntries([...url.searchParams, ...body]);
    const record = (endpoint: StandInRequest['endpoint'], outcome: string) =>
      requests.push({
        endpoint,
        method: req.method ?? 'GET',
        params,
        headers: { authorization: req.headers.authorization, 'content-type': req.headers['content-type'] },
        outcome,
      });

    if (path === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        end_session_endpoint: `${issuer}/session/end`,
        jwks_uri: `${issuer}/jwks`,
        scopes_supported: [...SCOPES],
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        subject_types_supported: ['pairwise'],
        acr_values_supported: ['eidas1'],
        claims_supported: ['sub', 'acr', 'amr', ...new Set(Object.values(CLAIMS_OF_SCOPE).flat())],
        id_token_signing_alg_values_supported: ['ES256', 'RS256'],
        userinfo_signing_alg_values_supported: ['ES256', 'RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        // Listed by FC too, although its /authorize refuses PKCE parameters.
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        claims_parameter_supported: false,
        request_parameter_supported: false,
      });
    }
    if (path === '/jwks') return json(res, 200, { keys: [publicJwk] });

    if (path === '/authorize' && (req.method === 'GET' || req.method === 'POST')) {
      const problem = checkAuthorize(params, clients);
      record('authorize', problem ? 'Y030007' : 'ok');
      if (problem) return errorPage(res, 400, 'Y030007', problem);
      const client = clients.get(params.client_id)!;
      const attempt: Attempt = {
        client,
        redirectUri: params.redirect_uri,
        state: params.state,
        nonce: params.nonce,
        scope: params.scope.split(' '),
        misbehaviour: nextMisbehaviour,
      };
      nextMisbehaviour = undefined;
      if (attempt.misbehaviour === 'access_denied' || attempt.misbehaviour === 'server_error') {
        return redirect(res, callbackUrl(attempt, { error: attempt.misbehaviour, error_description: 'Simulée' }));
      }
      const id = randomBytes(16).toString('base64url');
      attempts.set(id, attempt);
      return choicePage(res, id);
    }

    if (path === '/interaction' && req.method === 'POST') {
      const attempt = attempts.get(params.interaction ?? '');
      attempts.delete(params.interaction ?? '');
      if (!attempt) return errorPage(res, 400, 'Y000001', 'Cette demande a expiré. Retournez sur le site.');
      if (params.misbehaviour && params.misbehaviour in MISBEHAVIOURS)
        attempt.misbehaviour = params.misbehaviour as Misbehaviour;
      if (params.cancel || attempt.misbehaviour === 'access_denied' || attempt.misbehaviour === 'server_error') {
        const error = attempt.misbehaviour === 'server_error' ? 'server_error' : 'access_denied';
        return redirect(res, callbackUrl(attempt, { error, error_description: 'User auth aborted' }));
      }
      const identity = TEST_IDENTITIES.find((i) => i.id === params.identity);
      if (!identity) return errorPage(res, 400, 'Y000002', 'Identité de test inconnue.');
      const code = randomBytes(32).toString('base64url');
      codes.set(code, { ...attempt, identity, expiresAt: Date.now() + CODE_TTL * 1000 });
      const extra: Record<string, string> =
        attempt.misbehaviour === 'wrong_issuer_callback' ? { iss: 'https://faux.example/api/v2' } : {};
      return redirect(res, callbackUrl(attempt, { code, ...extra }));
    }

    if (path === '/token' && req.method === 'POST') {
      const failing = codes.get(params.code ?? '')?.misbehaviour;
      if (failing === 'token_unreachable') {
        record('token', 'connexion coupée');
        req.socket.destroy();
        return;
      }
      if (failing === 'token_http_500') {
        record('token', 'HTTP 500');
        res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Erreur interne</h1>');
        return;
      }
      if (req.headers.authorization) {
        record('token', 'invalid_client');
        return json(res, 401, {
          error: 'invalid_client',
          error_description: 'client_secret_basic is not allowed: use client_secret_post',
        });
      }
      const client = clients.get(params.client_id ?? '');
      if (!client || !sameSecret(client.clientSecret, params.client_secret ?? '')) {
        record('token', 'invalid_client');
        return json(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
      }
      const grant = codes.get(params.code ?? '');
      codes.delete(params.code ?? '');
      const unknown = Object.keys(params).filter(
        (p) => !['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret'].includes(p),
      );
      if (
        params.grant_type !== 'authorization_code' ||
        !grant ||
        grant.expiresAt < Date.now() ||
        grant.client.clientId !== client.clientId ||
        grant.redirectUri !== params.redirect_uri ||
        unknown.length > 0
      ) {
        record('token', 'invalid_grant');
        return json(res, 400, {
          error: unknown.length ? 'invalid_request' : 'invalid_grant',
          error_description: unknown.length ? `unknown parameters: ${unknown.join(', ')}` : 'code invalid or expired',
        });
      }
      record('token', 'ok');
      const now = Math.floor(Date.now() / 1000);
      const accessToken = randomBytes(32).toString('base64url');
      accessTokens.set(accessToken, { ...grant, expiresAt: Date.now() + TOKEN_TTL * 1000 });
      const misbehaviour = grant.misbehaviour;
      const idToken = await sign(
        {
          iss: issuer,
          sub: subFor(client, grant.identity),
          aud: misbehaviour === 'wrong_audience' ? 'un-autre-client' : client.clientId,
          exp: now + TOKEN_TTL,
          iat: now,
          auth_time: now,
          nonce: misbehaviour === 'wrong_nonce' ? randomBytes(24).toString('base64url') : grant.nonce,
          acr: misbehaviour === 'acr_too_low' ? 'eidas0' : 'eidas1',
          amr: ['fc'],
        },
        misbehaviour === 'unknown_key_id_token' ? stranger.privateKey : privateKey,
      );
      return json(res, 200, {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: TOKEN_TTL,
        id_token: idToken,
        scope: grant.scope.join(' '),
      });
    }

    if (path === '/userinfo' && req.method === 'GET') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const grant = accessTokens.get(token);
      if (!grant || grant.expiresAt < Date.now()) {
        record('userinfo', 'invalid_token');
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        return json(res, 401, { error: 'invalid_token', error_description: 'access token invalid or expired' });
      }
      if (grant.misbehaviour === 'userinfo_http_500') {
        record('userinfo', 'HTTP 500');
        res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Erreur interne</h1>');
        return;
      }
      record('userinfo', 'ok');
      const claims: Record<string, unknown> = {};
      for (const scope of grant.scope)
        for (const claim of CLAIMS_OF_SCOPE[scope] ?? []) claims[claim] = grant.identity[claim];
      const now = Math.floor(Date.now() / 1000);
      const other = TEST_IDENTITIES.find((i) => i.id !== grant.identity.id)!;
      const jwt = await sign(
        {
          ...claims,
          iss: issuer,
          aud: grant.client.clientId,
          sub: subFor(grant.client, grant.misbehaviour === 'userinfo_other_sub' ? other : grant.identity),
          iat: now,
          exp: now + TOKEN_TTL,
        },
        grant.misbehaviour === 'unknown_key_userinfo' ? stranger.privateKey : privateKey,
      );
      res.writeHead(200, { 'content-type': 'application/jwt; charset=utf-8', 'cache-control': 'no-store' });
      res.end(jwt);
      return;
    }

    if (path === '/session/end' && req.method === 'GET') {
      const hint = params.id_token_hint ?? '';
      // FC accepts an expired ID token here.
      let verified: Awaited<ReturnType<typeof jwtVerify>> | undefined;
      for (const key of [publicKey, ...formerKeys])
        verified ??= await jwtVerify(hint, key, { issuer, currentDate: new Date(0) }).catch(() => undefined);
      const aud = verified?.payload.aud;
      const client = clients.get(typeof aud === 'string' ? aud : '');
      const target = params.post_logout_redirect_uri ?? '';
      const extra = Object.keys(params).filter(
        (p) => !['id_token_hint', 'state', 'post_logout_redirect_uri'].includes(p),
      );
      if (!client || !params.state || !client.postLogoutRedirectUris.includes(target) || extra.length) {
        record('session/end', 'Y030118');
        return errorPage(
          res,
          400,
          'Y030118',
          !client
            ? 'id_token_hint manquant ou invalide.'
            : !params.state
              ? 'Le paramètre state est obligatoire.'
              : extra.length
                ? `Paramètre(s) non autorisé(s) : ${extra.join(', ')}.`
                : 'post_logout_redirect_uri n’est pas enregistrée pour ce fournisseur de service.',
        );
      }
      record('session/end', 'ok');
      const back = new URL(target);
      back.searchParams.set('state', params.state);
      return redirect(res, back.toString());
    }

    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    errorPage(res, 404, 'Y000404', 'Page inconnue.');
  };

  const checkAuthorize = (params: Record<string, string>, known: Map<string, StandInClient>): string | undefined => {
    const extra = Object.keys(params).filter((p) => !ALLOWED_AUTHORIZE_PARAMS.has(p));
    if (extra.length) return `Paramètre(s) non autorisé(s) : ${extra.join(', ')}.`;
    if (params.response_type !== 'code') return 'response_type doit valoir « code ».';
    const client = known.get(params.client_id ?? '');
    if (!client) return 'client_id inconnu.';
    if (!client.redirectUris.includes(params.redirect_uri ?? ''))
      return 'redirect_uri n’est pas enregistrée pour ce fournisseur de service.';
    const scopes = (params.scope ?? '').split(' ');
    if (!scopes.includes('openid')) return 'Le scope doit contenir « openid ».';
    const unknownScopes = scopes.filter((s) => !SCOPES.has(s));
    if (unknownScopes.length) return `Scope(s) inconnu(s) : ${unknownScopes.join(', ')}.`;
    if (!params.state) return 'Le paramètre state est obligatoire.';
    if ((params.nonce ?? '').length < 22) return 'Le paramètre nonce est obligatoire (22 caractères au moins).';
    if (params.acr_values !== 'eidas1') return 'acr_values doit valoir « eidas1 ».';
    if (params.prompt && !params.prompt.split(' ').every((p) => p === 'login' || p === 'consent'))
      return 'prompt n’accepte que « login » et « consent ».';
    return undefined;
  };

  const callbackUrl = (attempt: Attempt, values: Record<string, string>): string => {
    const target = new URL(attempt.redirectUri);
    target.searchParams.set('state', attempt.state);
    target.searchParams.set('iss', issuer);
    for (const [key, value] of Object.entries(values)) target.searchParams.set(key, value);
    return target.toString();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      json(res, 500, { error: 'server_error', error_description: (error as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    issuer,
    registerClient: (client) => clients.set(client.clientId, client),
    misbehaveNext: (misbehaviour) => (nextMisbehaviour = misbehaviour),
    async changeKeyKeepingKid() {
      formerKeys.push(publicKey);
      ({ privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true }));
      publicJwk = { ...(await exportJWK(publicKey)), kid: keyId, alg: 'ES256', use: 'sig' };
    },
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const escape = escapeHtml;

function html(res: ServerResponse, status: number, title: string, content: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escape(title)} – FranceConnect (simulation)</title>
<style>body{font-family:Marianne,Arial,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#161616}
h1{color:#000091}.note{background:#fee7fc;padding:.5rem 1rem}button{margin:.25rem 0;padding:.5rem 1rem;
background:#000091;color:#fff;border:0;cursor:pointer}button.secondaire{background:#fff;color:#000091;border:1px solid #000091}
li{list-style:none;margin:.5rem 0}</style></head><body>
<p class="note">Simulation locale de FranceConnect pour le développement : aucune donnée réelle.</p>${content}</body></html>`);
}

function choicePage(res: ServerResponse, interaction: string): void {
  const identities = TEST_IDENTITIES.map(
    (i) => `<li><button type="submit" name="identity" value="${i.id}" id="identite-${i.id}">
      ${escape(i.given_name)} ${escape(i.family_name)}</button>
      née ou né le ${i.birthdate}${i.birthplace ? '' : ', à l’étranger'}</li>`,
  ).join('');
  const options = Object.entries(MISBEHAVIOURS)
    .map(([value, label]) => `<option value="${value}">${escape(label)}</option>`)
    .join('');
  html(
    res,
    200,
    'Choisissez une identité',
    `<h1>Connexion avec FranceConnect</h1>
<form method="post" action="interaction"><input type="hidden" name="interaction" value="${interaction}">
<h2>Identités de test</h2><ul>${identities}</ul>
<p><label for="misbehaviour">Simuler un incident (facultatif)</label><br>
<select id="misbehaviour" name="misbehaviour"><option value="">Aucun</option>${options}</select></p>
<p><button type="submit" name="cancel" value="1" class="secondaire" id="annuler">Annuler et revenir au service</button></p>
</form>`,
  );
}

function errorPage(res: ServerResponse, status: number, code: string, message: string): void {
  html(
    res,
    status,
    'Erreur',
    `<h1>Une erreur s’est produite</h1><p id="code-erreur">Code erreur : ${code}</p><p id="message-erreur">${escape(message)}</p>`,
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
