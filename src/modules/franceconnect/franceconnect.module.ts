import { Inject, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { MenuRegistry } from '../../platform/views/menus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity';
import { FranceConnectIdentity } from './entities/franceconnect-identity.entity';
import { FranceConnectSession } from './entities/franceconnect-session.entity';
import { FranceConnectAccounts } from './franceconnect-accounts.service';
import { FranceConnectClient } from './franceconnect.client';
import { FranceConnectFlow } from './franceconnect-flow';
import { FranceConnectSessionHook } from './franceconnect-session.hook';
import { FranceConnectAccountController, FranceConnectController } from './pages/franceconnect.controller';

/**
 * Federation with FranceConnect v2 (`../shared/FRANCECONNECT.md`): the client, the links between FC identities and
 * accounts, the redirect URIs and « Mon compte › FranceConnect ». The steps inside an authorization request live with
 * the provider's interaction pages (`oidc`), which import this module.
 */
@Module({
  imports: [TypeOrmModule.forFeature([FranceConnectIdentity, FranceConnectSession]), IdentityModule],
  controllers: [FranceConnectController, FranceConnectAccountController],
  providers: [FranceConnectClient, FranceConnectAccounts, FranceConnectFlow, FranceConnectSessionHook],
  exports: [FranceConnectAccounts, FranceConnectFlow],
})
export class FranceConnectModule {
  constructor(@Inject(APP_CONFIG) config: AppConfig, menus: MenuRegistry) {
    // « Mon compte › FranceConnect », when FranceConnect is configured.
    if (config.franceconnect)
      menus.add('account', { key: 'franceconnect', href: '/compte/franceconnect', label: 'FranceConnect', order: 70 });
  }
}
