import { Module } from '@nestjs/common';
import { API_TOKEN_KEYS } from '../../platform/api/api-access';
import { ResourceServerRegistry } from './resource-server.registry';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FranceConnectModule } from '../franceconnect';
import { IdentityModule } from '../identity';
import { NotificationsModule } from '../notifications';
import { ClientRegistry } from './client.registry';
import { OidcClient } from './entities/oidc-client.entity';
import { OidcResourceServer } from './entities/oidc-resource-server.entity';
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
    TypeOrmModule.forFeature([OidcPayload, OidcClient, OidcSigningKey, OidcSessionDevice, OidcResourceServer]),
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
    ResourceServerRegistry,
    // The JSON API checks its tokens with the provider's keys (platform/api).
    { provide: API_TOKEN_KEYS, useExisting: OidcProviderService },
  ],
  exports: [
    OidcProviderService,
    ClientRegistry,
    SigningKeyStore,
    InteractionLifetime,
    ResourceServerRegistry,
    API_TOKEN_KEYS,
  ],
})
export class OidcModule {}
