import type { Brand } from '../views/branding';

/**
 * Whose brand a contributor gives for a site: the site's own (set for that relying party in the console) wins over
 * its product's (the subscriptions module), which wins over the deployment's (`BRAND_*`, applied by the layout).
 */
export type BrandLevel = 'relying-party' | 'product';

const PRECEDENCE: readonly BrandLevel[] = ['relying-party', 'product'];

/**
 * A module's brand for the sign-in pages of a relying party (client id): the header's name, logo and colour while an
 * authorization request of that site runs. `undefined` when it has none for that site. It runs on each page of each
 * authorization request: keep it to an in-memory lookup or one indexed query. The colour and logo are checked again by
 * the layout (`resolveBrand`): one that fails `brandColourProblem` or `brandLogoProblem` is ignored, never shown.
 */
export interface BrandContributor {
  /** `<module>.<what>` (`subscriptions.product`), in the logs. */
  name: string;
  level: BrandLevel;
  brandFor(clientId: string): Promise<Brand | undefined>;
}

/**
 * The brand of a site from its contributors' answers, highest level first: the name and logo travel together (a logo
 * under another brand's name would mislabel it), from the first answer that gives a name or a logo; the colour from the
 * first that gives one. `undefined` when no contributor gave anything (the deployment's brand stays).
 */
export function mergeBrands(answers: Array<{ level: BrandLevel; brand: Brand | undefined }>): Brand | undefined {
  const ordered = [...answers]
    .filter((a): a is { level: BrandLevel; brand: Brand } => a.brand !== undefined)
    .sort((a, b) => PRECEDENCE.indexOf(a.level) - PRECEDENCE.indexOf(b.level))
    .map((a) => a.brand);
  const identity = ordered.find((b) => b.name?.trim() || b.logoUrl?.trim());
  const colour = ordered.find((b) => b.primaryColor?.trim())?.primaryColor;
  if (!identity && !colour) return undefined;
  return {
    ...(identity?.name?.trim() ? { name: identity.name.trim() } : {}),
    ...(identity?.logoUrl?.trim() ? { logoUrl: identity.logoUrl.trim() } : {}),
    ...(colour ? { primaryColor: colour } : {}),
  };
}
