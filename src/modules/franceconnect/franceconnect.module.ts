import { Inject, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { MenuRegistry } from '../../platform/views/menus';
import { ConsoleAccountSections } from '../../platform/views/console-account-sections';
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
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    menus: MenuRegistry,
    sections: ConsoleAccountSections,
    accounts: FranceConnectAccounts,
  ) {
    // The console's account page: whether the account is linked to FranceConnect, since when, its last FC sign-in.
    const date = (d: Date) =>
      d.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
    sections.add({
      key: 'franceconnect',
      order: 10,
      section: async (accountId) => {
        const fc = await accounts.identityOf(accountId);
        const value = fc
          ? `lié depuis le ${date(fc.linkedAt)}${fc.lastSignInAt ? ` · dernière connexion le ${date(fc.lastSignInAt)}` : ''}`
          : 'non lié';
        return { title: 'FranceConnect', items: [{ key: 'franceconnect', term: 'Liaison', value }] };
      },
    });
    // « Mon compte › FranceConnect », when FranceConnect is configured.
    if (config.franceconnect)
      menus.add('account', { key: 'franceconnect', href: '/compte/franceconnect', label: 'FranceConnect', order: 70 });
  }
}
