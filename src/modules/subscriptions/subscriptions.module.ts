import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity';
import { OidcModule } from '../oidc';
import { CreateMyAccountController } from './pages/create-my-account.controller';
import { SelfDeclarationService } from './self-declaration.service';
import { NotificationsModule } from '../notifications';
import { ManageUsersController } from './pages/manage-users.controller';
import { SubscriptionAdministrator } from './subscription-administrator.permission';
import { UserManagementService } from './user-management.service';
import { SubscriptionsExpiryJob } from './subscriptions-expiry.job';
import { MenuRegistry } from '../../platform/views/menus';
import { MySubscriptionsController } from './pages/my-subscriptions.controller';
import { AdminModule } from '../admin';
import { SubscriptionsConsoleController } from './pages/subscriptions-console.controller';
import { Membership } from './entities/membership.entity';
import { MembershipRole } from './entities/membership-role.entity';
import { ProductClient } from './entities/product-client.entity';
import { Product } from './entities/product.entity';
import { SubscriptionProduct } from './entities/subscription-product.entity';
import { Subscription } from './entities/subscription.entity';
import { ProductAccess } from './product-access';
import { AccessCodesService } from './access-codes.service';
import { AccessCode } from './entities/access-code.entity';
import { SubscriptionsClock } from './subscriptions.clock';
import { SubscriptionsService } from './subscriptions.service';
import { SubscriptionTermsService } from './subscription-terms.service';
import { ProductsApiController } from './api/products-api.controller';
import { PublisherReachService } from './api/publisher-reach';
import { SubscriptionsApiController } from './api/subscriptions-api.controller';

@Module({
  imports: [
    AdminModule,
    IdentityModule,
    OidcModule,
    NotificationsModule,
    TypeOrmModule.forFeature([
      Product,
      ProductClient,
      Subscription,
      SubscriptionProduct,
      Membership,
      MembershipRole,
      AccessCode,
    ]),
  ],
  controllers: [
    MySubscriptionsController,
    ManageUsersController,
    CreateMyAccountController,
    SubscriptionsConsoleController,
    ProductsApiController,
    SubscriptionsApiController,
  ],
  providers: [
    SubscriptionsService,
    SubscriptionsClock,
    ProductAccess,
    AccessCodesService,
    SelfDeclarationService,
    UserManagementService,
    SubscriptionAdministrator,
    SubscriptionsExpiryJob,
    SubscriptionTermsService,
    PublisherReachService,
  ],
  exports: [SubscriptionsService, AccessCodesService],
})
export class SubscriptionsModule {
  constructor(menus: MenuRegistry, subscriptions: SubscriptionsService, users: UserManagementService) {
    menus.add('console', {
      key: 'subscriptions',
      href: '/admin/abonnements',
      label: 'Abonnements',
      labelKey: 'subscriptions:console.title',
      order: 30,
    });
    menus.add('account', {
      key: 'subscriptions',
      href: '/compte/abonnements',
      label: 'Mes abonnements',
      labelKey: 'subscriptions:mine.title',
      order: 15,
      shownTo: (accountId) => subscriptions.isMember(accountId),
    });
    menus.add('account', {
      key: 'users',
      href: '/compte/utilisateurs',
      label: 'Gérer mes utilisateurs',
      labelKey: 'subscriptions:users.manage',
      order: 16,
      shownTo: async (accountId) => (await users.administered(accountId)).length > 0,
    });
  }
}
