import request from 'supertest';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import type { TestApp } from './test-app';

export interface ApiClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** A client-credentials client of the API, registered with these scopes (and a binding: `{ kind: 'firm', id }`). */
export async function registerApiClient(
  app: TestApp,
  clientId: string,
  scope: string,
  binding?: { kind: string; id: string },
): Promise<ApiClientCredentials> {
  const provider = app.app.get(OidcProviderService);
  const added = await app.app.get(ClientRegistry).add(
    {
      client_id: clientId,
      client_name: `Robot ${clientId}`,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope,
      ...(binding ? { api_binding: binding } : {}),
    },
    (metadata) => provider.validateClient(metadata),
  );
  return { clientId, clientSecret: added.clientSecret! };
}

/** The token endpoint's answer to a client-credentials request (status and body as sent). */
export async function requestToken(
  app: TestApp,
  client: ApiClientCredentials,
  params: Record<string, string>,
): Promise<request.Response> {
  return request(app.url)
    .post('/oidc/token')
    .auth(client.clientId, client.clientSecret)
    .type('form')
    .send({ grant_type: 'client_credentials', ...params });
}

/** An access token for the platform's API (`${PUBLIC_URL}/api`) with these scopes. */
export async function apiToken(app: TestApp, client: ApiClientCredentials, scope: string): Promise<string> {
  const res = await requestToken(app, client, { scope, resource: `${app.url}/api` });
  if (res.status !== 200) throw new Error(`Jeton refusé : ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}
