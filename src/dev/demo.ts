import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { IdentityError, IdentityErrorCode, IdentityService } from '../modules/identity';
import { franceconnectUris } from '../modules/franceconnect';
import { ClientRegistry, OidcProviderService } from '../modules/oidc';
import { deriveKey } from '../platform/crypto/secret-box';
import { demoSiteUrls, startDemoSite } from './demo-site';
import { startFranceConnectStandIn, type FranceConnectStandIn } from './franceconnect-stand-in';

export const DEMO_ACCOUNT = {
  email: 'demo@exemple.fr',
  identifier: 'demo',
  password: 'Demo-mot-de-passe-1',
  givenName: 'Camille',
  familyName: 'Démo',
};
export const DEMO_CLIENT_ID = 'site-demo';

/**
 * Demo data for `npm start` on the embedded database (never in production): a demo account, and a demo site on
 * `PORT + 1` registered as a relying party. Idempotent: what exists is kept.
 */
export async function startDemo(
  app: INestApplicationContext,
  config: AppConfig,
  logger: Logger,
  port = config.http.port + 1,
): Promise<() => Promise<void>> {
  const identity = app.get(IdentityService);
  // Kept from an earlier start: the service refuses the address already in use, which is all we need to know.
  await identity.createActiveAccount(DEMO_ACCOUNT).catch((error: unknown) => {
    if (!(error instanceof IdentityError && (error.code as IdentityErrorCode) === IdentityErrorCode.EMAIL_TAKEN))
      throw error;
  });
  const urls = demoSiteUrls(port);
  const clientSecret = deriveKey(config.secretKey, 'demo-site-client');
  const oidc = app.get(OidcProviderService);
  await app.get(ClientRegistry).upsert(
    {
      client_id: DEMO_CLIENT_ID,
      client_secret: clientSecret,
      client_name: 'Site de démonstration',
      redirect_uris: [urls.redirectUri],
      post_logout_redirect_uris: [urls.postLogoutUri],
      backchannel_logout_uri: urls.backchannelUri,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    (metadata) => oidc.validateClient(metadata),
  );
  const site = await startDemoSite({ port, issuer: config.issuer, clientId: DEMO_CLIENT_ID, clientSecret });
  logger.info(
    `Démonstration : site partenaire sur ${site.url} ; compte « ${DEMO_ACCOUNT.identifier} » (${DEMO_ACCOUNT.email}), mot de passe « ${DEMO_ACCOUNT.password} »`,
  );
  return () => site.close();
}

/**
 * The FranceConnect stand-in for `npm start` (never in production): started on `PORT + 2`, the platform registered
 * as its client, and a configuration that points the platform at it.
 */
export async function startLocalFranceConnect(
  config: AppConfig,
  port = config.http.port + 2,
): Promise<{ standIn: FranceConnectStandIn; config: AppConfig }> {
  const standIn = await startFranceConnectStandIn({ port });
  const clientId = 'plateforme-locale';
  const clientSecret = deriveKey(config.secretKey, 'franceconnect-stand-in-client');
  const uris = franceconnectUris(config.publicUrl);
  standIn.registerClient({
    clientId,
    clientSecret,
    redirectUris: [uris.redirectUri],
    postLogoutRedirectUris: [uris.postLogoutRedirectUri],
  });
  return {
    standIn,
    config: {
      ...config,
      franceconnect: {
        issuer: standIn.issuer,
        clientId,
        clientSecret,
        acrValues: 'eidas1',
        sessionLifetimeMinutes: 30,
      },
    },
  };
}
