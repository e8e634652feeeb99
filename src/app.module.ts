import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { AdminModule } from './modules/admin';
import { ClientSpaceModule } from './modules/client-space';
import { FranceConnectModule } from './modules/franceconnect';
import { IdentityModule } from './modules/identity';
import { LegalModule } from './modules/legal';
import { NotificationsModule } from './modules/notifications';
import { OidcModule } from './modules/oidc';
import { SubscriptionsModule } from './modules/subscriptions';
import { SecondaryAccountsModule } from './modules/secondary-accounts';
import { PaymentsModule } from './platform/payments';
import { PlatformModule, type PlatformOptions } from './platform/platform.module';

/** The platform: its foundation, then one module per domain (DESIGN.md), added as they are built. */
@Module({})
export class AppModule {
  /** `extraModules`: modules mounted beside the platform's own (tests, and sites that embed the platform). */
  static forRoot(options: PlatformOptions, extraModules: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(options),
        IdentityModule,
        FranceConnectModule,
        OidcModule,
        NotificationsModule,
        AdminModule,
        SubscriptionsModule,
        SecondaryAccountsModule,
        PaymentsModule,
        LegalModule,
        ClientSpaceModule,
        ...extraModules,
      ],
    };
  }
}
