/**
 * Branding: the name, logo and colour a page shows. The deployment's brand comes from the configuration (`BRAND_*`);
 * a page may pass its own in its render context (`brand: { name, logoUrl, primaryColor }`: a relying party's sign-in
 * page, a firm's client space), and the layout applies it. Colours are checked against WCAG 2.1 AA here, once, for
 * the configuration, the console and every module that lets someone choose a colour.
 */

/** What a page passes as `brand` in its render context; every field is optional, the deployment's fills the rest. */
export interface Brand {
  name?: string;
  /** An image URL (same origin, or `https:`); shown beside the name, with the name as its text alternative. */
  logoUrl?: string;
  /** `#rrggbb`, with a contrast of 4.5:1 or more against white (see `brandColourProblem`). */
  primaryColor?: string;
}

/** The brand the layout renders: the deployment's, overridden field by field by the page's. */
export interface ResolvedBrand {
  name: string;
  logoUrl: string | undefined;
  primaryColor: string;
  /** The text colour on the primary colour (white: `brandColourProblem` guarantees its contrast). */
  onPrimaryColor: string;
  /** The stylesheet that sets `--brand-primary` and `--brand-on-primary` (a URL: the CSP forbids inline styles). */
  stylesheet: string | undefined;
}

/** The neutral theme's own primary colour (a deep blue-green, 7.4:1 against white). */
export const DEFAULT_PRIMARY_COLOR = '#0f5c63';

/** WCAG 2.1 AA for normal text (1.4.3) and for interface components (1.4.11, 3:1) both hold at 4.5:1. */
export const MINIMUM_CONTRAST = 4.5;

const HEX = /^#([0-9a-f]{6})$/i;

/** `#RGB` or `#RRGGBB` (case-insensitive) as lower-case `#rrggbb`, or `undefined` when it is not a hex colour. */
export function normaliseHexColour(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(value);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  return HEX.test(value) ? value : undefined;
}

/** WCAG 2.1 relative luminance of a `#rrggbb` colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.1 contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** `4,48:1`, as French writes it (two decimals, rounded down so that 4.499 never reads as 4,50). */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2).replace('.', ',')}:1`;
}

/**
 * Why a brand colour cannot be used, in French, or `undefined` when it can. The colour is the background of buttons
 * (with white text) and the colour of links on white: both need 4.5:1 against white (WCAG 2.1 AA, 1.4.3).
 */
export function brandColourProblem(raw: string): string | undefined {
  const hex = normaliseHexColour(raw);
  if (!hex) return `« ${raw} » n’est pas une couleur hexadécimale (exemple : #0f5c63)`;
  const ratio = contrastRatio(hex, '#ffffff');
  if (ratio < MINIMUM_CONTRAST) {
    return (
      `le contraste de ${hex} avec le blanc est de ${formatRatio(ratio)}, sous le minimum WCAG 2.1 AA de 4,5:1 ` +
      '(textes des boutons et liens) : choisissez une teinte plus foncée'
    );
  }
  return undefined;
}

/**
 * Why a logo address cannot be used, in French, or `undefined`: a path on this site (`/…`), an `https:` URL, or an
 * `http:` URL on this machine (development: the demo site's logo).
 */
export function brandLogoProblem(raw: string): string | undefined {
  const value = raw.trim();
  if (/^\/(?!\/)[^\s"'<>\\]*$/.test(value)) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return undefined;
    if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return undefined;
  } catch {
    // Falls through to the message.
  }
  return `« ${raw} » : indiquez un chemin de ce site (/…) ou une adresse https://`;
}

/** The stylesheet URL that sets a primary colour (served by `brandStylesheet`), or `undefined` for the default. */
export function brandStylesheetUrl(primaryColor: string): string | undefined {
  return primaryColor === DEFAULT_PRIMARY_COLOR ? undefined : `/theme/marque.css?couleur=${primaryColor.slice(1)}`;
}

/** The CSS of `/theme/marque.css?couleur=rrggbb`, or `undefined` for a colour that is not usable. */
export function brandStylesheet(colour: unknown): string | undefined {
  if (typeof colour !== 'string') return undefined;
  const hex = normaliseHexColour(`#${colour}`);
  if (!hex || brandColourProblem(hex)) return undefined;
  return `:root {\n  --brand-primary: ${hex};\n  --brand-on-primary: #ffffff;\n}\n`;
}

/**
 * The brand a page shows: `page` (from its render context) over `base` (the deployment's). A page's colour or logo
 * that fails the checks is ignored (the deployment's is kept) rather than shown unreadable.
 */
export function resolveBrand(
  base: Required<Pick<Brand, 'name' | 'primaryColor'>> & Brand,
  page?: Brand,
): ResolvedBrand {
  const name = page?.name?.trim() || base.name;
  const pageLogo = page?.logoUrl && !brandLogoProblem(page.logoUrl) ? page.logoUrl.trim() : undefined;
  // A page that names its own brand without a logo does not borrow the deployment's: the logo would mislabel it.
  const logoUrl = page?.name ? pageLogo : (pageLogo ?? base.logoUrl);
  const pageColour = page?.primaryColor ? normaliseHexColour(page.primaryColor) : undefined;
  const primaryColor =
    pageColour && !brandColourProblem(pageColour)
      ? pageColour
      : (normaliseHexColour(base.primaryColor) ?? base.primaryColor);
  return {
    name,
    logoUrl,
    primaryColor,
    onPrimaryColor: '#ffffff',
    stylesheet: brandStylesheetUrl(primaryColor),
  };
}
