import { Injectable, type OnModuleInit } from '@nestjs/common';
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
          reason: `Votre compte n’a pas d’abonnement actif à ${access.product.name}.`,
          whatToDo:
            'Demandez à l’administrateur de votre abonnement de vous y donner accès, ou contactez le service Relations clientèle.',
        };
      },
    });
    this.hooks.addClaimsContributor({
      scope: 'subscriptions',
      claims: ['subscriptions'],
      description: 'vos abonnements à ce service et vos statuts (lecteur, administrateur)',
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
        reason: 'Les codes d’accès avec lesquels vous êtes connecté ne sont plus valables (ils ont été renouvelés).',
        whatToDo: 'Déconnectez-vous, puis connectez-vous avec les nouveaux codes d’accès de votre abonnement.',
      };
    return {
      reason: access
        ? `Les codes d’accès avec lesquels vous êtes connecté ne donnent pas accès à ${access.product.name} (abonnement terminé, pas encore commencé, ou ne comprenant pas ce produit).`
        : 'Les codes d’accès avec lesquels vous êtes connecté ne donnent accès qu’aux produits de votre abonnement, pas à ce site.',
      whatToDo:
        'Pour accéder à votre espace personnel ou à un autre site, déconnectez-vous puis connectez-vous avec votre compte personnel.',
    };
  }
}
