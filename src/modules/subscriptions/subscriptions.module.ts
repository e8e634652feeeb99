import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity';
import { MenuRegistry } from '../../platform/views/menus';
import { MySubscriptionsController } from './pages/my-subscriptions.controller';
import { Membership } from './entities/membership.entity';
import { MembershipRole } from './entities/membership-role.entity';
import { ProductClient } from './entities/product-client.entity';
import { Product } from './entities/product.entity';
import { SubscriptionProduct } from './entities/subscription-product.entity';
import { Subscription } from './entities/subscription.entity';
import { ProductAccess } from './product-access';
import { SubscriptionsClock } from './subscriptions.clock';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [
    IdentityModule,
    TypeOrmModule.forFeature([Product, ProductClient, Subscription, SubscriptionProduct, Membership, MembershipRole]),
  ],
  controllers: [MySubscriptionsController],
  providers: [SubscriptionsService, SubscriptionsClock, ProductAccess],
  exports: [SubscriptionsService],
})
export class SubscriptionsModule {
  constructor(menus: MenuRegistry, subscriptions: SubscriptionsService) {
    menus.add('account', {
      key: 'subscriptions',
      href: '/compte/abonnements',
      label: 'Mes abonnements',
      order: 15,
      shownTo: (accountId) => subscriptions.isMember(accountId),
    });
  }
}
