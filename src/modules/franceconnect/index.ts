export { FranceConnectModule } from './franceconnect.module';
export { FranceConnectAccounts, certifiedIdentity, type IdentityChange } from './franceconnect-accounts.service';
export { FranceConnectFlow, FAILURE_MESSAGES, failureMessage } from './franceconnect-flow';
export { FranceConnectError, FranceConnectErrorCode, franceconnectErrorMessage } from './franceconnect.errors';
export {
  FRANCECONNECT_SCOPE,
  franceconnectUris,
  type FranceConnectSignIn,
  type PivotIdentity,
} from './franceconnect.client';
