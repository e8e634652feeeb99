import { Injectable } from '@nestjs/common';
import type { Brand } from '../views/branding';
import { mergeBrands, type BrandContributor } from './relying-party-brand';

/** Who is signing in, and to which site (client). */
export interface SignInTarget {
  accountId: string;
  clientId: string;
}

/** Why a sign-in to a site is refused, in French, for the person: the page names the site and shows both. */
export interface AccessRefusal {
  /** « Votre organisation n’est pas abonnée à ce service. » */
  reason: string;
  /** « Demandez à l’administrateur de votre organisation de vous y donner accès. » */
  whatToDo: string;
}

/**
 * A module's rule on who may sign in to which site (no subscription to this product, a disabled secondary account).
 * It runs on every authorization request, single sign-on and remembered consent included; `undefined` lets the person
 * through. Keep it fast (one indexed query): it runs on each sign-in to each site. Call it through
 * `ProviderHooks.accessChecksFor(subject)`, which leaves out the checks that do not take shared subjects.
 */
export interface ClientAccessCheck {
  /** `<module>.<rule>` (`subscriptions.product`), in the audit trail and the logs. */
  name: string;
  /**
   * Whether the check also judges shared subjects (`access-codes:<id>`, see `SharedCredentials`). Left out, it is
   * never called with one: a check that reads the subject as an account id cannot meet a subject that is not one.
   */
  sharedSubjects?: boolean;
  check(target: SignInTarget): Promise<AccessRefusal | undefined>;
}

/**
 * A module's claims for one scope, computed per account and per site (the roles of this person on this product). They
 * go in the ID token and at userinfo when the site asked for the scope and the person consented to it.
 */
export interface ClaimsContributor {
  scope: string;
  /** The claims it may return, listed in discovery (`claims_supported`). */
  claims: string[];
  /** What the scope gives a site, in plain French, for the consent page (« vos abonnements à ce service »). */
  description: string;
  /** Whether it also gives claims to shared subjects (see `ClientAccessCheck.sharedSubjects`); left out, it does not. */
  sharedSubjects?: boolean;
  claimsFor(target: SignInTarget): Promise<Record<string, unknown>>;
}

/** A cookie a session hook sets on the provider's response (Koa's cookie options). */
export interface HookCookie {
  name: string;
  value: string;
  options: { path: string; httpOnly: boolean; secure: boolean; sameSite: 'lax' | 'strict'; maxAge?: number };
}

/** Where the browser goes first after a logout (an upstream provider's own logout), before the provider's destination. */
export interface LogoutDetour {
  url: string;
  cookie?: HookCookie;
}

/**
 * Follows the provider's sessions (a federation keeps its upstream ID token for the logout, say), without the
 * provider knowing who listens.
 */
export interface ProviderSessionHook {
  name: string;
  /** An interaction finished and resumed a provider session; `result` is what the interaction pages gave the provider. */
  resumed?(session: { uid: string; accountId: string }, result: Record<string, unknown>): Promise<void>;
  /**
   * The person's logout ended the provider session (the platform's logout is done). May send the browser through
   * another logout first, which must then continue to `destination`.
   */
  ended?(session: { uid: string }, destination: string): Promise<LogoutDetour | undefined>;
}

/**
 * Credentials that belong to no person: a subscription's access codes (« codes d'accès »), shared by its readers. They
 * open a provider session whose `sub` is the source's own subject (`access-codes:<id>`), never an account id, so that
 * the sites receive the subscription and nothing personal. The sign-in page tries the source whose shape an identifier
 * has before the people's accounts (and the accounts when the source refuses); `findAccount` asks the source that owns
 * a subject whether it still stands, and gives it no personal claim (only the contributors', with `sub`). The access
 * checks and claims contributors receive the subject as `accountId`: each module decides what a shared subject may reach
 * (a subject it does not know is no member of anything).
 */
export interface SharedCredentials {
  /** `<module>.<what>` (`subscriptions.access-codes`), in the audit trail. */
  name: string;
  /** Whether the identifier has this source's shape (no query): only then is `authenticate` tried. */
  recognises(identifier: string): boolean;
  /** The subject these credentials open, or `undefined` (wrong or unknown: same time either way). */
  authenticate(identifier: string, password: string): Promise<string | undefined>;
  /** Whether the subject is one of this source's (its prefix; no query). */
  owns(subject: string): boolean;
  /** Whether the subject still stands (the codes were not issued again since). */
  stands(subject: string): Promise<boolean>;
}

/**
 * Sign-in seams of the OpenID provider that modules plug into without importing it: access checks per client,
 * claims contributors per scope, session hooks, and brand contributors per client (the sign-in pages' header). Modules register in their `onModuleInit()`; the provider is built once the
 * application is initialised, from what is registered then (its discovery document and claims configuration are fixed
 * at construction), and refuses later registrations.
 */
@Injectable()
export class ProviderHooks {
  private readonly checks: ClientAccessCheck[] = [];
  private readonly contributors: ClaimsContributor[] = [];
  private readonly sessions: ProviderSessionHook[] = [];
  private readonly shared: SharedCredentials[] = [];
  private readonly brands: BrandContributor[] = [];
  private sealed = false;

  addBrandContributor(contributor: BrandContributor): void {
    this.assertOpen(contributor.name);
    this.brands.push(contributor);
  }

  /**
   * The brand the sign-in pages of a site show in their header (name, logo, colour): the site's own over its
   * product's (see `BrandLevel`); `undefined` leaves the deployment's.
   */
  async brandFor(clientId: string): Promise<Brand | undefined> {
    if (this.brands.length === 0) return undefined;
    const answers = await Promise.all(
      this.brands.map(async (contributor) => ({
        level: contributor.level,
        brand: await contributor.brandFor(clientId),
      })),
    );
    return mergeBrands(answers);
  }

  addSharedCredentials(source: SharedCredentials): void {
    this.assertOpen(source.name);
    this.shared.push(source);
  }

  get sharedCredentials(): readonly SharedCredentials[] {
    return this.shared;
  }

  /** The source that owns a shared subject, if it is one. */
  sharedSourceOf(subject: string): SharedCredentials | undefined {
    return this.shared.find((source) => source.owns(subject));
  }

  addAccessCheck(check: ClientAccessCheck): void {
    this.assertOpen(check.name);
    this.checks.push(check);
  }

  addClaimsContributor(contributor: ClaimsContributor): void {
    this.assertOpen(`scope ${contributor.scope}`);
    if (this.contributors.some((c) => c.scope === contributor.scope))
      throw new Error(`La portée « ${contributor.scope} » a déjà un contributeur de claims`);
    this.contributors.push(contributor);
  }

  addSessionHook(hook: ProviderSessionHook): void {
    this.assertOpen(hook.name);
    this.sessions.push(hook);
  }

  get sessionHooks(): readonly ProviderSessionHook[] {
    return this.sessions;
  }

  get accessChecks(): readonly ClientAccessCheck[] {
    return this.checks;
  }

  /** The access checks that judge this subject: all of them for an account, those that said so for a shared one. */
  accessChecksFor(subject: string): readonly ClientAccessCheck[] {
    return this.sharedSourceOf(subject) ? this.checks.filter((check) => check.sharedSubjects) : this.checks;
  }

  /** The claims contributors that serve this subject (see `accessChecksFor`). */
  claimsContributorsFor(subject: string): readonly ClaimsContributor[] {
    return this.sharedSourceOf(subject) ? this.contributors.filter((c) => c.sharedSubjects) : this.contributors;
  }

  get claimsContributors(): readonly ClaimsContributor[] {
    return this.contributors;
  }

  /** Called by the provider when it is built: from then on, registering is a programming error. */
  seal(): void {
    this.sealed = true;
  }

  private assertOpen(what: string): void {
    if (this.sealed)
      throw new Error(`Crochet du fournisseur OpenID ajouté trop tard (${what}) : enregistrez-le dans onModuleInit()`);
  }
}
