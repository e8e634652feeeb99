export { OidcModule } from './oidc.module';
export { OidcProviderService } from './oidc-provider.service';
export { ClientRegistry, type ClientMetadata } from './client.registry';
export { SigningKeyStore } from './signing-key.store';
export { oidcCommands } from './cli/oidc.commands';
export { INTERACTION_TTL, InteractionLifetime } from './interaction-lifetime';
export { OidcError, OidcErrorCode } from './oidc.errors';
export { ResourceServerRegistry, type ResourceServerRecord } from './resource-server.registry';
