import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '../../../platform/database/database-unavailable';
import { OidcError, OidcErrorCode } from '../oidc.errors';
import { OidcProviderService } from '../oidc-provider.service';
import { InteractionLifetime } from '../interaction-lifetime';
import { brandLogoProblem } from '../../../platform/views/branding';
import { ProviderHooks } from '../../../platform/provider-hooks';
import { currentLocale, firstSupportedLocale, t, useLocale } from '../../../platform/i18n/i18n';

export type InteractionDetails = Awaited<ReturnType<OidcProviderService['provider']['interactionDetails']>>;

/** What every page inside an authorization request needs: its interaction, checked, and a way to render. */
@Injectable()
export class InteractionPages {
  constructor(
    private readonly oidc: OidcProviderService,
    private readonly lifetime: InteractionLifetime,
    private readonly hooks: ProviderHooks,
  ) {}

  /** The interaction, checked against the uid of the address (a stale tab, or another request, is refused). */
  async details(uid: string, req: Request, res: Response): Promise<InteractionDetails> {
    let details: InteractionDetails;
    try {
      details = await this.oidc.provider.interactionDetails(req, res);
    } catch (error) {
      // A database outage is not an expired interaction: it becomes the 503 page, and the form works again after.
      if (isDatabaseUnavailable(error)) throw error;
      throw expired();
    }
    if (details.uid !== uid) throw expired();
    // The site's `ui_locales` (first supported language) over the person's choice and the browser's (docs/i18n.md).
    const requested = firstSupportedLocale(details.params.ui_locales);
    if (requested) useLocale(requested, { fixed: true });
    else useLocale(currentLocale(), { returnTo: `/interaction/${uid}` });
    await this.lifetime.markUsed(this.oidc.provider, details, req, res);
    return details;
  }

  /**
   * Renders a page of the interaction. Its form posts here, then the browser is redirected to the site's redirect
   * URI: Chrome applies the CSP `form-action` to that redirect chain, so the site's origin is allowed there too.
   */
  async render(res: Response, details: InteractionDetails, view: string, data: Record<string, unknown>): Promise<void> {
    const clientId = details.params.client_id as string;
    const client = await this.oidc.provider.Client.find(clientId);
    // The header's brand: the site's own, else its product's (modules contribute them), else the deployment's.
    const brand = client ? await this.hooks.brandFor(clientId) : undefined;
    const redirectUri = typeof details.params.redirect_uri === 'string' ? details.params.redirect_uri : undefined;
    const csp = res.getHeader('content-security-policy');
    if (typeof csp === 'string' && redirectUri) {
      res.setHeader(
        'content-security-policy',
        csp.replace("form-action 'self'", `form-action 'self' ${new URL(redirectUri).origin}`),
      );
    }
    res.render(view, {
      uid: details.uid,
      clientName: client?.clientName ?? client?.clientId ?? t('oidc:thisSite'),
      // The site's logo (standard client metadata `logo_uri`), beside « Pour accéder à <site> »: https or this site only.
      clientLogoUrl: client?.logoUri && !brandLogoProblem(client.logoUri) ? client.logoUri : undefined,
      franceconnectRequired: requiresFranceConnect(details),
      brand,
      ...data,
    });
  }
}

/** A site asked `acr_values=eidas1`: only a FranceConnect sign-in will do. */
export function requiresFranceConnect(details: InteractionDetails): boolean {
  return typeof details.params.acr_values === 'string' && details.params.acr_values.split(' ').includes('eidas1');
}

export function expired(): OidcError {
  return new OidcError(
    OidcErrorCode.INTERACTION_EXPIRED,
    'Cette demande de connexion a expiré ou n’est plus valable. Retournez sur le site d’où vous venez pour recommencer.',
  );
}
