import { Injectable } from '@nestjs/common';
import { AuditService } from '../../platform/audit';
import { isFirstPartyClient } from '../../platform/first-party-clients';
import { ClientRegistry, OidcError, OidcErrorCode, OidcProviderService, type ClientMetadata } from '../oidc';
import { auditActor, type AdminActor } from './account-administration.service';
import { AdminError, AdminErrorCode } from './admin.errors';
import type { ClientFormDto } from './dto/client-form.dto';
import { t } from '../../platform/i18n/i18n';

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
  /** `logo_uri`: the site's logo (https), shown on the sign-in page. */
  logoUri: string | null;
  /** Disabled from the console: the provider does not know it while so. */
  disabled: boolean;
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
    return (await this.registry.list()).map(({ clientId, metadata, disabled }) => toView(clientId, metadata, disabled));
  }

  async get(clientId: string): Promise<RelyingPartyView> {
    const found = await this.registry.describe(clientId);
    if (!found) throw new AdminError(AdminErrorCode.CLIENT_NOT_FOUND, t('admin:sites.notFound'));
    return toView(clientId, found.metadata, found.disabled);
  }

  /** Registers a site; returns its generated secret (shown once) for a confidential client. */
  async create(
    actor: AdminActor,
    form: ClientFormDto,
    extra: { apiBinding?: { kind: string; id: string } } = {},
  ): Promise<{ clientId: string; clientSecret?: string }> {
    const clientId = (form.clientId ?? '').trim();
    const fields: Record<string, string[]> = {};
    if (!/^[A-Za-z0-9._-]{3,100}$/.test(clientId)) {
      fields.clientId = [t('admin:siteForm.errors.clientId')];
    }
    const built = metadataFrom(form, fields);
    const metadata: ClientMetadata = {
      client_id: clientId,
      ...built,
      ...(form.tokenEndpointAuthMethod ? { token_endpoint_auth_method: form.tokenEndpointAuthMethod } : {}),
      ...(extra.apiBinding ? { api_binding: extra.apiBinding } : {}),
    };
    let added: { clientId: string; clientSecret?: string };
    try {
      added = await this.registry.add(metadata, (m) => this.provider.validateClient(m));
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      const field = error.code === (OidcErrorCode.CLIENT_EXISTS as string) ? 'clientId' : 'metadata';
      throw new AdminError(AdminErrorCode.CLIENT_INVALID, t('admin:siteForm.errors.invalid'), {
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

  /**
   * Changes a site's metadata (not its id nor its authentication method), with the provider's check as at creation.
   * Not for the platform's own spaces, which the platform registers itself at each start.
   */
  async update(actor: AdminActor, clientId: string, form: ClientFormDto): Promise<RelyingPartyView> {
    const site = await this.get(clientId);
    if (site.firstParty) throw new AdminError(AdminErrorCode.CLIENT_INVALID, t('admin:siteForm.errors.firstPartyEdit'));
    const fields: Record<string, string[]> = {};
    const built = metadataFrom(form, fields);
    const current = (await this.registry.describe(clientId))!.metadata;
    // Kept as registered: the authentication method (a change would need a new secret) and what the form does not show.
    const {
      client_name: _n,
      redirect_uris: _r,
      post_logout_redirect_uris: _p,
      backchannel_logout_uri: _b,
      grant_types: _g,
      response_types: _t,
      scope: _s,
      require_pushed_authorization_requests: _par,
      logo_uri: _l,
      ...kept
    } = current;
    const metadata = { ...kept, ...built };
    let before: Record<string, unknown>;
    try {
      before = await this.registry.update(clientId, metadata, (m) => this.provider.validateClient(m));
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      throw new AdminError(AdminErrorCode.CLIENT_INVALID, t('admin:siteForm.errors.invalid'), {
        metadata: [error.message],
      });
    }
    await this.audit.record({
      actor: auditActor(actor),
      action: 'admin.client.updated',
      target: { type: 'client', id: clientId },
      outcome: 'success',
      details: { before, after: metadata },
    });
    return this.get(clientId);
  }

  /** Disables a site (sign-ins and its tokens refused at once), or enables it again. */
  async setDisabled(actor: AdminActor, clientId: string, disabled: boolean): Promise<RelyingPartyView> {
    const site = await this.get(clientId);
    if (site.firstParty)
      throw new AdminError(AdminErrorCode.CLIENT_INVALID, t('admin:siteForm.errors.firstPartyDisable'));
    if (await this.registry.setDisabled(clientId, disabled)) {
      await this.audit.record({
        actor: auditActor(actor),
        action: disabled ? 'admin.client.disabled' : 'admin.client.enabled',
        target: { type: 'client', id: clientId },
        outcome: 'success',
        details: { before: { disabled: !disabled }, after: { disabled } },
      });
    }
    return this.get(clientId);
  }

  /** A new secret, shown once; the old one is refused from now on. */
  async rotateSecret(actor: AdminActor, clientId: string): Promise<string> {
    const client = await this.get(clientId);
    if (client.firstParty || client.authMethod === 'none') {
      throw new AdminError(AdminErrorCode.CLIENT_INVALID, t('admin:siteForm.errors.noSecret'));
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

/**
 * The metadata the form gives (create and edit): URIs one a line, grant types, scopes, PAR, logo. Adds to `fields` what
 * the form itself gets wrong; the rest is the provider's check.
 */
function metadataFrom(form: ClientFormDto, fields: Record<string, string[]>): Record<string, unknown> {
  const grantTypes = [
    ...(form.grantAuthorizationCode ? ['authorization_code'] : []),
    ...(form.grantRefreshToken ? ['refresh_token'] : []),
    ...(form.grantClientCredentials ? ['client_credentials'] : []),
  ];
  if (grantTypes.length === 0) fields.grantTypes = [t('admin:siteForm.errors.grantTypes')];
  const logo = form.logoUri?.trim();
  if (logo && !/^https:\/\/[^\s]+$/.test(logo)) fields.logoUri = [t('admin:siteForm.errors.logoUri')];
  if (Object.keys(fields).length) {
    throw new AdminError(AdminErrorCode.CLIENT_INVALID, t('admin:siteForm.errors.invalid'), fields);
  }
  const postLogout = lines(form.postLogoutRedirectUris);
  return {
    redirect_uris: lines(form.redirectUris),
    grant_types: grantTypes,
    response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
    ...(postLogout.length ? { post_logout_redirect_uris: postLogout } : {}),
    ...(form.backchannelLogoutUri?.trim() ? { backchannel_logout_uri: form.backchannelLogoutUri.trim() } : {}),
    ...(form.scope?.trim() ? { scope: form.scope.trim().split(/\s+/).join(' ') } : {}),
    ...(form.name?.trim() ? { client_name: form.name.trim() } : {}),
    ...(form.requirePar ? { require_pushed_authorization_requests: true } : {}),
    ...(logo ? { logo_uri: logo } : {}),
  };
}

/** The form's values for a registered site (the edit form). */
export function formValuesOf(site: RelyingPartyView): Record<string, string | undefined> {
  return {
    clientId: site.clientId,
    name: site.name === site.clientId ? '' : site.name,
    redirectUris: site.redirectUris.join('\n'),
    postLogoutRedirectUris: site.postLogoutRedirectUris.join('\n'),
    backchannelLogoutUri: site.backchannelLogoutUri ?? '',
    scope: site.scope ?? '',
    grantAuthorizationCode: site.grantTypes.includes('authorization_code') ? 'oui' : undefined,
    grantRefreshToken: site.grantTypes.includes('refresh_token') ? 'oui' : undefined,
    grantClientCredentials: site.grantTypes.includes('client_credentials') ? 'oui' : undefined,
    tokenEndpointAuthMethod: site.authMethod,
    requirePar: site.requirePar ? 'oui' : undefined,
    logoUri: site.logoUri ?? '',
  };
}

function toView(clientId: string, metadata: Record<string, unknown>, disabled: boolean): RelyingPartyView {
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
    logoUri: typeof metadata.logo_uri === 'string' ? metadata.logo_uri : null,
    disabled,
    firstParty: isFirstPartyClient(clientId),
  };
}
