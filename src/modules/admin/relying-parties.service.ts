import { Injectable } from '@nestjs/common';
import { AuditService } from '../../platform/audit';
import { isFirstPartyClient } from '../../platform/first-party-clients';
import { ClientRegistry, OidcError, OidcErrorCode, OidcProviderService, type ClientMetadata } from '../oidc';
import { auditActor, type AdminActor } from './account-administration.service';
import { AdminError, AdminErrorCode } from './admin.errors';
import type { ClientFormDto } from './dto/client-form.dto';

export interface RelyingPartyView {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  grantTypes: string[];
  scope: string | null;
  authMethod: string;
  requirePar: boolean;
  /** One of the platform's own spaces (its secret is derived from SECRET_KEY: not rotated here). */
  firstParty: boolean;
}

const lines = (value: string | undefined) =>
  (value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Relying parties from the console, through oidc's `ClientRegistry` and the provider's own metadata check: the same
 * validation as `clients:add`. Audited `admin.client.*` with the operator; secrets never written to the trail.
 */
@Injectable()
export class RelyingPartiesService {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly provider: OidcProviderService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<RelyingPartyView[]> {
    return (await this.registry.list()).map(({ clientId, metadata }) => toView(clientId, metadata));
  }

  async get(clientId: string): Promise<RelyingPartyView> {
    const found = await this.registry.find(clientId);
    if (!found) throw new AdminError(AdminErrorCode.CLIENT_NOT_FOUND, 'Site introuvable.');
    return toView(clientId, found);
  }

  /** Registers a site; returns its generated secret (shown once) for a confidential client. */
  async create(
    actor: AdminActor,
    form: ClientFormDto,
    extra: { apiBinding?: { kind: string; id: string } } = {},
  ): Promise<{ clientId: string; clientSecret?: string }> {
    const grantTypes = [
      ...(form.grantAuthorizationCode ? ['authorization_code'] : []),
      ...(form.grantRefreshToken ? ['refresh_token'] : []),
      ...(form.grantClientCredentials ? ['client_credentials'] : []),
    ];
    const clientId = (form.clientId ?? '').trim();
    const fields: Record<string, string[]> = {};
    if (!/^[A-Za-z0-9._-]{3,100}$/.test(clientId)) {
      fields.clientId = ['De 3 à 100 caractères : lettres sans accent, chiffres, point, tiret ou tiret bas.'];
    }
    if (grantTypes.length === 0) fields.grantTypes = ['Choisissez au moins un type d’autorisation.'];
    if (Object.keys(fields).length) {
      throw new AdminError(AdminErrorCode.CLIENT_INVALID, 'Le formulaire contient des erreurs.', fields);
    }
    const postLogout = lines(form.postLogoutRedirectUris);
    const metadata: ClientMetadata = {
      client_id: clientId,
      redirect_uris: lines(form.redirectUris),
      grant_types: grantTypes,
      response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
      ...(postLogout.length ? { post_logout_redirect_uris: postLogout } : {}),
      ...(form.backchannelLogoutUri?.trim() ? { backchannel_logout_uri: form.backchannelLogoutUri.trim() } : {}),
      ...(form.scope?.trim() ? { scope: form.scope.trim().split(/\s+/).join(' ') } : {}),
      ...(form.tokenEndpointAuthMethod ? { token_endpoint_auth_method: form.tokenEndpointAuthMethod } : {}),
      ...(form.name?.trim() ? { client_name: form.name.trim() } : {}),
      ...(form.requirePar ? { require_pushed_authorization_requests: true } : {}),
      ...(extra.apiBinding ? { api_binding: extra.apiBinding } : {}),
    };
    let added: { clientId: string; clientSecret?: string };
    try {
      added = await this.registry.add(metadata, (m) => this.provider.validateClient(m));
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      const field = error.code === (OidcErrorCode.CLIENT_EXISTS as string) ? 'clientId' : 'metadata';
      throw new AdminError(AdminErrorCode.CLIENT_INVALID, 'Le formulaire contient des erreurs.', {
        [field]: [error.message],
      });
    }
    const { client_secret: _secret, ...recorded } = metadata;
    await this.audit.record({
      actor: auditActor(actor),
      action: 'admin.client.created',
      target: { type: 'client', id: clientId },
      outcome: 'success',
      details: { before: null, after: recorded },
    });
    return added;
  }

  /** A new secret, shown once; the old one is refused from now on. */
  async rotateSecret(actor: AdminActor, clientId: string): Promise<string> {
    const client = await this.get(clientId);
    if (client.firstParty || client.authMethod === 'none') {
      throw new AdminError(AdminErrorCode.CLIENT_INVALID, 'Ce site n’a pas de secret à renouveler ici.');
    }
    const secret = await this.registry.rotateSecret(clientId);
    await this.audit.record({
      actor: auditActor(actor),
      action: 'admin.client.secret_rotated',
      target: { type: 'client', id: clientId },
      outcome: 'success',
      // The secret itself never goes to the trail: only that it changed.
      details: { before: { secret: 'ancien' }, after: { secret: 'nouveau' } },
    });
    return secret;
  }
}

function toView(clientId: string, metadata: Record<string, unknown>): RelyingPartyView {
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);
  return {
    clientId,
    name: typeof metadata.client_name === 'string' ? metadata.client_name : clientId,
    redirectUris: strings(metadata.redirect_uris),
    postLogoutRedirectUris: strings(metadata.post_logout_redirect_uris),
    backchannelLogoutUri: typeof metadata.backchannel_logout_uri === 'string' ? metadata.backchannel_logout_uri : null,
    grantTypes: strings(metadata.grant_types),
    scope: typeof metadata.scope === 'string' ? metadata.scope : null,
    authMethod:
      typeof metadata.token_endpoint_auth_method === 'string'
        ? metadata.token_endpoint_auth_method
        : 'client_secret_basic',
    requirePar: metadata.require_pushed_authorization_requests === true,
    firstParty: isFirstPartyClient(clientId),
  };
}
