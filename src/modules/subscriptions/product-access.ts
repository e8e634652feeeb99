import { Injectable, type OnModuleInit } from '@nestjs/common';
import { t } from '../../platform/i18n/i18n';
import { ProviderHooks, type AccessRefusal } from '../../platform/provider-hooks';
import { AccessCodesService } from './access-codes.service';
import { SelfDeclarationService } from './self-declaration.service';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Towards the products (DESIGN.md, "Claims for relying parties"): the access check that refuses a product's clients
 * to an account without an active membership (it runs on every authorization request, single sign-on included, and
 * at the token endpoint and userinfo), the `subscriptions` claim, for the asking client's product only, and the
 * subscriptions' access codes as shared credentials (a provider session whose subject is the codes', not a person).
 */
@Injectable()
export class ProductAccess implements OnModuleInit {
  constructor(
    private readonly hooks: ProviderHooks,
    private readonly subscriptions: SubscriptionsService,
    private readonly accessCodes: AccessCodesService,
    private readonly selfDeclaration: SelfDeclarationService,
  ) {}

  onModuleInit(): void {
    // The sign-in pages of a product's sites wear the product's brand (header: name, logo, colour).
    this.hooks.addBrandContributor({
      name: 'subscriptions.product',
      level: 'product',
      brandFor: (clientId) => this.subscriptions.brandOfClient(clientId),
    });
    this.hooks.addSharedCredentials({
      name: 'subscriptions.access-codes',
      recognises: (identifier) => this.accessCodes.recognises(identifier),
      authenticate: (identifier, password) => this.accessCodes.authenticate(identifier, password),
      owns: (subject) => this.accessCodes.owns(subject),
      stands: async (subject) => (await this.accessCodes.subscriptionOf(subject)) !== undefined,
    });
    this.hooks.addAccessCheck({
      name: 'subscriptions.product',
      sharedSubjects: true,
      check: async ({ accountId, clientId }) => {
        if (this.accessCodes.owns(accountId)) return this.sharedCheck(accountId, clientId);
        let access = await this.subscriptions.productAccess(clientId, accountId);
        if (!access || !access.product.subscriptionRequired || access.memberships.length > 0) return undefined;
        // A self-declared account whose activation event was lost takes its held seat now.
        if (await this.selfDeclaration.activated(accountId)) {
          access = await this.subscriptions.productAccess(clientId, accountId);
          if (access && access.memberships.length > 0) return undefined;
        }
        if (!access) return undefined;
        return {
          reason: t('subscriptions:access.noSubscription', { product: access.product.name }),
          whatToDo: t('subscriptions:access.askAdministrator'),
        };
      },
    });
    this.hooks.addClaimsContributor({
      scope: 'subscriptions',
      claims: ['subscriptions'],
      // Read when the consent page is shown: in the language of its request.
      get description() {
        return t('subscriptions:access.scope');
      },
      sharedSubjects: true,
      claimsFor: async ({ accountId, clientId }) => {
        const shared = this.accessCodes.owns(accountId);
        const access = shared
          ? await this.subscriptions.sharedProductAccess(clientId, await this.accessCodes.subscriptionOf(accountId))
          : await this.subscriptions.productAccess(clientId, accountId);
        if (!access) return {};
        return {
          subscriptions: access.memberships.map((m) => ({
            subscription_id: m.subscriptionId,
            subscriber: m.subscriber,
            product: access.product.code,
            roles: m.roles,
            sections: m.sections,
            ...(shared ? { shared: true } : {}),
          })),
        };
      },
    });
  }

  /**
   * A session opened with access codes reaches the products its subscription covers while it runs, and nothing else:
   * not a product of another subscription, not an open product, not a site of no product (the account space among
   * them: there is no account behind it).
   */
  private async sharedCheck(subject: string, clientId: string): Promise<AccessRefusal | undefined> {
    const subscriptionId = await this.accessCodes.subscriptionOf(subject);
    const access = subscriptionId ? await this.subscriptions.sharedProductAccess(clientId, subscriptionId) : undefined;
    if (access && access.memberships.length > 0) return undefined;
    if (!subscriptionId)
      return {
        reason: t('subscriptions:access.codesRenewed'),
        whatToDo: t('subscriptions:access.signInWithNewCodes'),
      };
    return {
      reason: access
        ? t('subscriptions:access.codesNotForProduct', { product: access.product.name })
        : t('subscriptions:access.codesNotForSite'),
      whatToDo: t('subscriptions:access.usePersonalAccount'),
    };
  }
}
