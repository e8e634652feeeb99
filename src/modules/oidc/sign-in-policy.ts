import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { firstSupportedLocale, withLocale } from '../../platform/i18n/i18n';
import type { AccessRefusal, ProviderHooks } from '../../platform/provider-hooks';

/** The refusal an access check gave, shown by the interaction page (`prompt.details.refusal`). */
export interface AccessRefusalDetails extends AccessRefusal {
  check: string;
}

/**
 * The provider's default prompts, plus:
 * - `login` › `franceconnect_required`: a site that asks `acr_values=eidas1` gets a sign-in again unless the session
 *   itself came from FranceConnect at that level (`acr_values` is voluntary in OpenID Connect; here it is not);
 * - `access` › `client_access_refused`, between login and consent: the modules' access checks (`ProviderHooks`). A
 *   policy check runs on every authorization request, so neither single sign-on nor remembered consent skips it;
 *   with `prompt=none` the site gets `access_denied`, otherwise the person sees the French refusal page.
 */
export function signInPolicy(hooks: ProviderHooks) {
  const { Check, Prompt } = interactionPolicy;
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new Check('franceconnect_required', 'A FranceConnect (eidas1) sign-in is required', (ctx) => {
      const asked = ctx.oidc.params?.acr_values;
      const required = typeof asked === 'string' && asked.split(' ').includes('eidas1');
      return required && ctx.oidc.session?.acr !== 'eidas1' ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );

  // The check computes the refusal; `details` hands it to the interaction (both run on the same request context).
  const refusals = new WeakMap<KoaContextWithOIDC, AccessRefusalDetails>();
  const access = new Check(
    'client_access_refused',
    'The account may not sign in to this client',
    'access_denied',
    async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return Check.NO_NEED_TO_PROMPT;
      // The refusal is shown in the authorization request's language (`ui_locales`), also when the check runs on the
      // request that resumes it after the sign-in (whose own language is the browser's).
      const requested = firstSupportedLocale(ctx.oidc.params?.ui_locales);
      for (const rule of hooks.accessChecksFor(accountId)) {
        const check = () => rule.check({ accountId, clientId });
        const refusal = await (requested ? withLocale(requested, check) : check());
        if (refusal) {
          refusals.set(ctx, { check: rule.name, reason: refusal.reason, whatToDo: refusal.whatToDo });
          return Check.REQUEST_PROMPT;
        }
      }
      return Check.NO_NEED_TO_PROMPT;
    },
    (ctx) => ({ refusal: refusals.get(ctx) }),
  );
  policy.add(new Prompt({ name: 'access', requestable: false }, access), policy.indexOf(policy.get('login')!) + 1);
  return policy;
}
