import { startFranceConnectStandIn, type FranceConnectStandIn } from '../../src/dev/franceconnect-stand-in';
import { franceconnectUris } from '../../src/modules/franceconnect';
import { freePort } from './ports';
import { startTestApp, type TestApp } from './test-app';

/** The FC stand-in on a free port, and the platform configured as its client (`clientId`), registered there. */
export async function startAppWithFranceConnect(
  clientId: string,
): Promise<{ standIn: FranceConnectStandIn; app: TestApp; clientSecret: string }> {
  const clientSecret = `secret-de-${clientId}-chez-franceconnect`;
  const standIn = await startFranceConnectStandIn({ port: await freePort(), host: '127.0.0.1' });
  const app = await startTestApp({
    env: {
      FRANCECONNECT_ISSUER: standIn.issuer,
      FRANCECONNECT_CLIENT_ID: clientId,
      FRANCECONNECT_CLIENT_SECRET: clientSecret,
    },
  }).catch(async (error: unknown) => {
    await standIn.close();
    throw error;
  });
  const uris = franceconnectUris(app.url);
  standIn.registerClient({
    clientId,
    clientSecret,
    redirectUris: [uris.redirectUri],
    postLogoutRedirectUris: [uris.postLogoutRedirectUri],
  });
  return { standIn, app, clientSecret };
}
