import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers, with a strict Content-Security-Policy: only this origin's scripts, styles, fonts and images, no
 * inline script or style, no framing, no plugin, forms posted to this origin only. DSFR is served from the platform
 * itself, never from a CDN.
 */
export function securityHeaders(options: { https: boolean; formActionOrigins?: string[] }) {
  const pages = headers(options, true);
  // The provider's own pages (logout confirmation, form_post) send the browser on to a relying party's registered
  // URI: Chrome applies `form-action` to that redirect, so it is left out there. Interaction pages widen it themselves.
  const provider = headers(options, false);
  return (req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/oidc/') ? provider : pages)(req, res, next);
}

function headers(options: { https: boolean; formActionOrigins?: string[] }, restrictFormAction: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        // `https:`: the logos of brands and relying parties (`logo_uri`), which live on their own sites.
        'img-src': ["'self'", 'data:', 'https:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        // FranceConnect's origin: its button is a form whose answer redirects there.
        ...(restrictFormAction ? { 'form-action': ["'self'", ...(options.formActionOrigins ?? [])] } : {}),
        'frame-ancestors': ["'none'"],
        ...(options.https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // HSTS only makes sense when the platform is reached over HTTPS.
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
}
