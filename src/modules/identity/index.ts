export { IdentityModule } from './identity.module';
export { IdentityService, type AccountView, type NewAccount } from './identity.service';
export { IdentityError, IdentityErrorCode } from './identity.errors';
export { SignInThrottle } from './sign-in.throttle';
export { identityCommands } from './cli/identity.commands';
export { RegistrationService } from './registration.service';
export { AccountAccessPort, type AccountAccess, type ConsentedSite, type OpenSession } from './account-access';
export { AccountService, type CertifiedIdentity } from './account.service';
export { LEGAL_VERSIONS } from './legal';
