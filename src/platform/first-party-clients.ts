import { deriveKey } from './crypto/secret-box';

/**
 * The platform's own sites (account space, and later client space and console) are relying parties of its provider,
 * like any outside site (DESIGN.md). The provider registers them at start; they sign people in over HTTP with these
 * settings. Their secret is derived from SECRET_KEY, so both sides know it without storing it twice.
 */
export interface FirstPartyClient {
  clientId: string;
  name: string;
  redirectPath: string;
  postLogoutPath: string;
  backchannelLogoutPath: string;
  scope: string;
}

export const ACCOUNT_SPACE_CLIENT: FirstPartyClient = {
  clientId: 'plateforme-compte',
  name: 'l’espace « Mon compte »',
  redirectPath: '/compte/connexion/retour',
  postLogoutPath: '/compte/deconnexion/terminee',
  backchannelLogoutPath: '/compte/deconnexion/canal-arriere',
  scope: 'openid profile email',
};

export const FIRST_PARTY_CLIENTS: readonly FirstPartyClient[] = [ACCOUNT_SPACE_CLIENT];

export function firstPartyClientSecret(secretKey: string, client: FirstPartyClient): string {
  return deriveKey(secretKey, `first-party-client:${client.clientId}`);
}
