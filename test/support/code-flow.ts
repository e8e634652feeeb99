import * as client from 'openid-client';
import { HttpBrowser } from './http-browser';
import { recordSecret } from './log-capture';

export interface PasswordSignIn {
  identifier: string;
  password: string;
  redirectUri: string;
  scope?: string;
  browser?: HttpBrowser;
}

/**
 * A whole authorization-code flow with PKCE as a person does it on the platform's pages: identifier, password, and
 * consent when asked. Returns the last page and, when the sign-in went through, the tokens.
 */
export async function passwordCodeFlow(config: client.Configuration, base: string, input: PasswordSignIn) {
  const browser = input.browser ?? new HttpBrowser();
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: input.scope ?? 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  let page = await browser.get(url.toString(), base);
  if (!page.location) {
    page = await browser.submit(page, /identifiant$/, { identifier: input.identifier }, base);
    page = await browser.submit(page, /mot-de-passe$/, { password: input.password }, base);
    if (!page.location && page.status !== 200) return { page, tokens: undefined };
    if (!page.location) page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, base);
  }
  const tokens = await client.authorizationCodeGrant(config, new URL(page.location!), { pkceCodeVerifier: verifier });
  for (const token of [tokens.access_token, tokens.id_token, tokens.refresh_token]) recordSecret(token);
  return { page, tokens };
}
