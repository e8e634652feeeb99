import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FranceConnectModule } from '../franceconnect';
import { IdentityModule } from '../identity';
import { NotificationsModule } from '../notifications';
import { ClientRegistry } from './client.registry';
import { OidcClient } from './entities/oidc-client.entity';
import { OidcPayload } from './entities/oidc-payload.entity';
import { OidcSigningKey } from './entities/oidc-signing-key.entity';
import { OidcSessionDevice } from './entities/oidc-session-device.entity';
import { OidcAccountAccess } from './account-access.service';
import { GrantRepository } from './grant.repository';
import { OidcProviderService } from './oidc-provider.service';
import { InteractionController } from './pages/interaction.controller';
import { InteractionPages } from './pages/interaction-pages';
import { InteractionLifetime } from './interaction-lifetime';
import { FranceConnectInteractionController } from './pages/franceconnect-interaction.controller';
import { SigningKeyStore } from './signing-key.store';

@Module({
  imports: [
    TypeOrmModule.forFeature([OidcPayload, OidcClient, OidcSigningKey, OidcSessionDevice]),
    IdentityModule,
    FranceConnectModule,
    NotificationsModule,
  ],
  controllers: [InteractionController, FranceConnectInteractionController],
  providers: [
    OidcProviderService,
    ClientRegistry,
    SigningKeyStore,
    OidcAccountAccess,
    InteractionPages,
    GrantRepository,
    InteractionLifetime,
  ],
  exports: [OidcProviderService, ClientRegistry, SigningKeyStore, InteractionLifetime],
})
export class OidcModule {}
