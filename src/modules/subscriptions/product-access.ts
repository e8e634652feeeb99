import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ProviderHooks } from '../../platform/provider-hooks';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Towards the products (DESIGN.md, "Claims for relying parties"): the access check that refuses a product's clients
 * to an account without an active membership (it runs on every authorization request, single sign-on included, and
 * at the token endpoint and userinfo), and the `subscriptions` claim, for the asking client's product only.
 */
@Injectable()
export class ProductAccess implements OnModuleInit {
  constructor(
    private readonly hooks: ProviderHooks,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  onModuleInit(): void {
    this.hooks.addAccessCheck({
      name: 'subscriptions.product',
      check: async ({ accountId, clientId }) => {
        const access = await this.subscriptions.productAccess(clientId, accountId);
        if (!access || !access.product.subscriptionRequired || access.memberships.length > 0) return undefined;
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
      claimsFor: async ({ accountId, clientId }) => {
        const access = await this.subscriptions.productAccess(clientId, accountId);
        if (!access) return {};
        return {
          subscriptions: access.memberships.map((m) => ({
            subscription_id: m.subscriptionId,
            subscriber: m.subscriber,
            product: access.product.code,
            roles: m.roles,
            sections: m.sections,
          })),
        };
      },
    });
  }
}
