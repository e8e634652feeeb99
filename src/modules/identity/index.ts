export { IdentityModule } from './identity.module';
export {
  IdentityService,
  type AccountActor,
  type AccountSearch,
  type AccountView,
  type CompanyRegistration,
  type IdentityDocumentView,
  type NewAccount,
} from './identity.service';
export { parseSiren, parseSiret } from './organisation-numbers';
export {
  OrganisationNumbersPort,
  type OrganisationNumberStore,
  type OrganisationNumbers,
} from './organisation-numbers.port';
export { PasswordChangeHooks, type PasswordChange, type PasswordChangeHook } from './password-change.hooks';
export type { AccountInvitation } from './invitation.service';
export { IdentityError, IdentityErrorCode } from './identity.errors';
export { DEVICE_COOKIE, SignInThrottle, THROTTLE_RULES, deviceCookie, tooManyAttempts } from './sign-in.throttle';
export { identityCommands } from './cli/identity.commands';
export { REGISTRATION_FLOOR_MS, RegistrationService } from './registration.service';
export { ActivationService } from './activation.service';
export { PendingAccountsJob } from './pending-accounts.job';
export type { IdentityEvents, IdentityAccountEvent } from './identity.events';
export { AccountAccessPort, type AccountAccess, type ConsentedSite, type OpenSession } from './account-access';
export { AccountService, type CertifiedIdentity } from './account.service';
export { LEGAL_VERSIONS, OCCUPATIONS } from './legal';
export { checkPassword, describePasswordProblems } from './password-policy';
export { PersonalAccountRegistration, type PersonalAccountForm } from './personal-account-registration';
