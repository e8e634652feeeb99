import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidcClient from 'openid-client';
import { escapeHtml, readBody, redirect } from './tiny-http';

/**
 * A small outside site that signs people in with the platform (a relying party like any other), so that a newcomer
 * sees single sign-on between two sites after `npm start`. Development only; its sessions live in its memory.
 */
export interface DemoSiteOptions {
  port: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

interface Visitor {
  pending?: { verifier: string; state: string; nonce: string };
  signedIn?: { claims: Record<string, unknown>; idToken: string; sid?: string };
}

export function demoSiteUrls(port: number) {
  const base = `http://localhost:${port}`;
  return { base, redirectUri: `${base}/retour`, postLogoutUri: `${base}/`, backchannelUri: `${base}/canal-arriere` };
}

export async function startDemoSite(options: DemoSiteOptions): Promise<{ url: string; close(): Promise<void> }> {
  const urls = demoSiteUrls(options.port);
  const visitors = new Map<string, Visitor>();
  let configuration: oidcClient.Configuration | undefined;
  const client = async () =>
    (configuration ??= await oidcClient.discovery(
      new URL(options.issuer),
      options.clientId,
      undefined,
      oidcClient.ClientSecretBasic(options.clientSecret),
      options.issuer.startsWith('http:') ? { execute: [oidcClient.allowInsecureRequests] } : undefined,
    ));
  const jwks = createRemoteJWKSet(new URL(`${options.issuer}/jwks`));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', urls.base);
    const id = /demo_visiteur=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1] ?? randomBytes(16).toString('base64url');
    const visitor = visitors.get(id) ?? {};
    visitors.set(id, visitor);
    res.setHeader('Set-Cookie', `demo_visiteur=${id}; HttpOnly; SameSite=Lax; Path=/`);

    if (url.pathname === '/' && req.method === 'GET') return page(res, visitor, options.issuer.replace(/\/oidc$/, ''));
    if (url.pathname === '/connexion') {
      // `?niveau=eidas1`: a site that needs an identity verified by FranceConnect asks for it (acr_values).
      const eidas1 = url.searchParams.get('niveau') === 'eidas1';
      visitor.pending = {
        verifier: oidcClient.randomPKCECodeVerifier(),
        state: oidcClient.randomState(),
        nonce: oidcClient.randomNonce(),
      };
      const target = oidcClient.buildAuthorizationUrl(await client(), {
        redirect_uri: urls.redirectUri,
        scope: 'openid profile email subscriptions',
        code_challenge: await oidcClient.calculatePKCECodeChallenge(visitor.pending.verifier),
        code_challenge_method: 'S256',
        state: visitor.pending.state,
        nonce: visitor.pending.nonce,
        ...(eidas1 ? { acr_values: 'eidas1' } : {}),
      });
      return redirect(res, target.toString());
    }
    if (url.pathname === '/retour') {
      const pending = visitor.pending;
      visitor.pending = undefined;
      if (!pending || url.searchParams.has('error')) return redirect(res, '/');
      const tokens = await oidcClient.authorizationCodeGrant(await client(), url, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      });
      const claims = {
        ...tokens.claims()!,
        ...(await oidcClient.fetchUserInfo(await client(), tokens.access_token, tokens.claims()!.sub)),
      };
      visitor.signedIn = {
        claims,
        idToken: tokens.id_token!,
        sid: typeof claims.sid === 'string' ? claims.sid : undefined,
      };
      return redirect(res, '/');
    }
    if (url.pathname === '/deconnexion' && visitor.signedIn) {
      const idToken = visitor.signedIn.idToken;
      visitor.signedIn = undefined;
      const target = oidcClient.buildEndSessionUrl(await client(), {
        id_token_hint: idToken,
        post_logout_redirect_uri: urls.postLogoutUri,
      });
      return redirect(res, target.toString());
    }
    if (url.pathname === '/canal-arriere' && req.method === 'POST') {
      const body = new URLSearchParams(await readBody(req));
      const { payload } = await jwtVerify(body.get('logout_token') ?? '', jwks, {
        issuer: options.issuer,
        audience: options.clientId,
        typ: 'logout+jwt',
      });
      for (const other of visitors.values()) {
        const session = other.signedIn;
        if (session && session.claims.sub === payload.sub && (!payload.sid || payload.sid === session.sid))
          other.signedIn = undefined;
      }
      res.writeHead(200).end();
      return;
    }
    redirect(res, '/');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res
        .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`Erreur du site de démonstration : ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return { url: urls.base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function page(res: ServerResponse, visitor: Visitor, platformUrl: string): void {
  const escape = escapeHtml;
  const claims = visitor.signedIn?.claims;
  // A session opened with a subscription's access codes: no person, the subscription only (`"shared": true`).
  const shared = Array.isArray(claims?.subscriptions)
    ? (claims.subscriptions as Array<{ shared?: boolean; subscriber?: string }>).find((s) => s.shared)
    : undefined;
  const body =
    claims && shared
      ? `<p>Vous êtes connecté avec les codes d’accès de l’abonnement <strong id="abonne">${escape(shared.subscriber)}</strong>.</p>
       <p><a href="${escape(platformUrl)}/abonnements/creer-mon-compte">Créer mon compte</a></p>
       <p><a href="/deconnexion">Se déconnecter</a></p>`
      : claims
        ? `<p>Vous êtes connecté en tant que <strong id="nom">${escape(claims.name ?? claims.preferred_username)}</strong> (${escape(claims.email)}).</p>
       <table>${Object.entries(claims)
         .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(JSON.stringify(v))}</td></tr>`)
         .join('')}</table>
       <p><a href="/deconnexion">Se déconnecter</a></p>`
        : `<p>Vous n’êtes pas connecté.</p><p><a href="/connexion">Se connecter avec la plateforme d’identité</a></p>
       <p><a href="/connexion?niveau=eidas1" id="connexion-eidas1">Se connecter avec une identité vérifiée (FranceConnect, eidas1)</a></p>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Site de démonstration</title></head>
<body><h1>Site de démonstration</h1><p>Un site partenaire qui utilise la plateforme pour la connexion unique.</p>${body}</body></html>`);
}
