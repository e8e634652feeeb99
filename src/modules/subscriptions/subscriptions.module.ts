import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Membership } from './entities/membership.entity';
import { MembershipRole } from './entities/membership-role.entity';
import { ProductClient } from './entities/product-client.entity';
import { Product } from './entities/product.entity';
import { SubscriptionProduct } from './entities/subscription-product.entity';
import { Subscription } from './entities/subscription.entity';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Product, ProductClient, Subscription, SubscriptionProduct, Membership, MembershipRole]),
  ],
  providers: [SubscriptionsService],
  exports: [SubscriptionsService],
})
export class SubscriptionsModule {}
