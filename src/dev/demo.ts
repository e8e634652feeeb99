import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { IdentityError, IdentityErrorCode, IdentityService } from '../modules/identity';
import { franceconnectUris } from '../modules/franceconnect';
import { ClientRegistry, OidcProviderService } from '../modules/oidc';
import { CompanyAccountsDemo, DEMO_COMPANY } from '../modules/secondary-accounts';
import { AccessCodesService, SubscriptionsService, type IssuedAccessCodes } from '../modules/subscriptions';
import { deriveKey } from '../platform/crypto/secret-box';
import { DEMO_CLIENT, seedClientSpace } from './client-space-demo';
import { demoSiteUrls, startDemoSite } from './demo-site';
import { startFranceConnectStandIn, type FranceConnectStandIn } from './franceconnect-stand-in';
import { testProviderSecret } from '../platform/payments';
import { startTestPaymentProvider, type TestPaymentProviderServer } from './test-payment-provider';

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
 * `PORT + 1` registered as a relying party, with its subscriptions (`seedSubscriptions`). Idempotent: what exists is kept.
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
      // Shown beside « Pour accéder à Site de démonstration » on the sign-in pages.
      logo_uri: `${config.publicUrl}/assets/exemple-logo.svg`,
      redirect_uris: [urls.redirectUri],
      post_logout_redirect_uris: [urls.postLogoutUri],
      backchannel_logout_uri: urls.backchannelUri,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    (metadata) => oidc.validateClient(metadata),
  );
  const codes = await seedSubscriptions(app, `http://localhost:${port}/`);
  await app.get(CompanyAccountsDemo).seed();
  await seedClientSpace(app, DEMO_ACCOUNT.email);
  // Shown once, when the demo data is first created (only their hash is kept): the access codes of the subscription
  // in « auto-déclaration », to try « Créer mon compte » on the demo site.
  if (codes)
    logger.info(
      `Démonstration : codes d’accès de l’abonnement « ${codes.subscription.subscriber} » : identifiant ${codes.login}, mot de passe ${codes.password} (renouvelables par access-codes:issue)`,
    );
  const site = await startDemoSite({ port, issuer: config.issuer, clientId: DEMO_CLIENT_ID, clientSecret });
  logger.info(
    `Démonstration : site partenaire sur ${site.url} ; compte « ${DEMO_ACCOUNT.identifier} » (${DEMO_ACCOUNT.email}), mot de passe « ${DEMO_ACCOUNT.password} »`,
  );
  logger.info(
    `Démonstration : « Gestion des Comptes » du compte principal « ${DEMO_COMPANY.login} » et de ses comptes secondaires (tbn1.asp1ent…), mot de passe « ${DEMO_COMPANY.password} »`,
  );
  logger.info(
    `Démonstration : espace cabinet ${config.publicUrl}/espace-cabinet (compte « ${DEMO_ACCOUNT.identifier} ») ; espace client ${config.publicUrl}/espace-client (« ${DEMO_CLIENT.email} », même mot de passe)`,
  );
  return () => site.close();
}

export const DEMO_PRODUCT_CODE = 'site-demo';

/**
 * The subscriptions' demo data (issue 15): the demo site as a product with two sections, one subscription in each
 * account-management mode, the demo account administrator of the one in « gestion par administrateur ». The product
 * does not require a subscription, so that every demo account still signs in to the demo site. Once only.
 */
async function seedSubscriptions(
  app: INestApplicationContext,
  siteUrl: string,
): Promise<IssuedAccessCodes | undefined> {
  const subscriptions = app.get(SubscriptionsService);
  if ((await subscriptions.listProducts()).some((p) => p.code === DEMO_PRODUCT_CODE)) return undefined;
  await subscriptions.addProduct({
    code: DEMO_PRODUCT_CODE,
    name: 'Site de démonstration',
    url: siteUrl,
    sections: [
      { code: 'actualites', name: 'Actualités' },
      { code: 'jurisprudence', name: 'Jurisprudence' },
    ],
    clientIds: [DEMO_CLIENT_ID],
    subscriptionRequired: false,
  });
  const today = new Date();
  const startsOn = today.toISOString().slice(0, 10);
  const endsOn = new Date(today.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  const ids: Record<string, string> = {};
  for (const [subscriber, accountMode] of [
    ['Cabinet Démo (gestion par administrateur)', 'administrator-managed'],
    ['Étude Démo (auto-déclaration)', 'self-declaration'],
    ['Bibliothèque Démo (pas de compte personnel)', 'no-personal-account'],
  ] as const)
    ids[accountMode] = (
      await subscriptions.addSubscription({
        subscriber,
        products: [{ code: DEMO_PRODUCT_CODE }],
        seats: 10,
        startsOn,
        endsOn,
        accountMode,
      })
    ).id;
  const admin = await app.get(IdentityService).findByEmail(DEMO_ACCOUNT.email);
  if (admin)
    await subscriptions.setMembership(ids['administrator-managed'], admin.id, [
      { productCode: DEMO_PRODUCT_CODE, role: 'reader' },
      { productCode: DEMO_PRODUCT_CODE, role: 'administrator' },
    ]);
  return app.get(AccessCodesService).issue(ids['self-declaration']);
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

/**
 * The local test payment provider for `npm start` (never in production): started on `PORT + 3`, sharing with the
 * platform a secret derived from `SECRET_KEY`, and a configuration that points the platform at it.
 */
export async function startLocalPaymentProvider(
  config: AppConfig,
  port = config.http.port + 3,
): Promise<{ provider: TestPaymentProviderServer; config: AppConfig }> {
  const provider = await startTestPaymentProvider({ port, secret: testProviderSecret(config.secretKey) });
  return { provider, config: { ...config, payments: { provider: 'test', testProviderUrl: provider.url } } };
}
