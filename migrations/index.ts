/**
 * Every migration, in order. A migration is never edited once landed (STYLE.md); a new one is added at the end of
 * this list (a test checks that every file of this folder is listed).
 */
import { PlatformAuditEvent1795463126976 } from './1795463126976-platform-audit-event';
import { IdentityAccount1795464535342 } from './1795464535342-identity-account';
import { IdentitySignInThrottle1795464864287 } from './1795464864287-identity-sign-in-throttle';
import { OidcProviderState1795464864288 } from './1795464864288-oidc-provider-state';
import { IdentityWebSession1795465632642 } from './1795465632642-identity-web-session';
import { NotificationsOutbox1795467723524 } from './1795467723524-notifications-outbox';
import { NotificationsSmsWebhooksDigests1795471149728 } from './1795471149728-notifications-sms-webhooks-digests';
import { IdentityRegistration1795471975043 } from './1795471975043-identity-registration';
import { IdentityAccountSpace1795473448651 } from './1795473448651-identity-account-space';
import { OidcSessionDevice1795473663901 } from './1795473663901-oidc-session-device';
import { IdentityDocument1795475360519 } from './1795475360519-identity-document';
import { FranceconnectIdentity1795477605370 } from './1795477605370-franceconnect-identity';
import { IdentityInvitations1796079011304 } from './1796079011304-identity-invitations';
import { PlatformWebSessionClient1796079250178 } from './1796079250178-platform-web-session-client';
import { AdminOperator1796082873293 } from './1796082873293-admin-operator';
import { SecondaryAccountsCompanyAccount1796082967050 } from './1796082967050-secondary-accounts-company-account';
import { SubscriptionsModel1796083073984 } from './1796083073984-subscriptions-model';
import { SecondaryAccountsTeleprocedure1796084089883 } from './1796084089883-secondary-accounts-teleprocedure';
import { SubscriptionsExpiryWarning1796084565063 } from './1796084565063-subscriptions-expiry-warning';
import { SecondaryAccountsBillingOptionsMailbox1796093693348 } from './1796093693348-secondary-accounts-billing-options-mailbox';
import { OidcResourceServer1796093713409 } from './1796093713409-oidc-resource-server';
import { PlatformApiIdempotency1796093713410 } from './1796093713410-platform-api-idempotency';
import { SubscriptionsAccessCodes1796093770197 } from './1796093770197-subscriptions-access-codes';
import { PlatformPayments1796093855921 } from './1796093855921-platform-payments';
import { OidcClientChangeNotify1796093899715 } from './1796093899715-oidc-client-change-notify';
import { ClientSpaceModel1796094222052 } from './1796094222052-client-space-model';
import { LegalDocuments1796094672500 } from './1796094672500-legal-documents';
import { OidcClientDisabled1796096557729 } from './1796096557729-oidc-client-disabled';
import { OidcGrantLookupIndex1796096675059 } from './1796096675059-oidc-grant-lookup-index';
import { SubscriptionsProductChangeNotify1796106136851 } from './1796106136851-subscriptions-product-change-notify';
import { SecondaryAccountsChangeNotify1796106857750 } from './1796106857750-secondary-accounts-change-notify';
import { SecondaryAccountsOrganisationNumbers1796105114056 } from './1796105114056-secondary-accounts-organisation-numbers';
import { ClientSpaceMessageAttachments1796106921386 } from './1796106921386-client-space-message-attachments';
import { LegalEnglishVersion1796109412000 } from './1796109412000-legal-english-version';
import { SubscriptionsProductBrand1796121427813 } from './1796121427813-subscriptions-product-brand';
import { OidcResourceServerChangeNotify1796128889392 } from './1796128889392-oidc-resource-server-change-notify';
import { IdentityRegistrationDraft1796105104623 } from './1796105104623-identity-registration-draft';
import { IdentityAccountLocale1796105237145 } from './1796105237145-identity-account-locale';

/**
 * Every migration, in order. A migration is never edited once landed (STYLE.md); a new one is added at the end of
 * this list (a test checks that every file of this folder is listed).
 */

export const migrations = [
  PlatformAuditEvent1795463126976,
  IdentityAccount1795464535342,
  IdentitySignInThrottle1795464864287,
  OidcProviderState1795464864288,
  IdentityWebSession1795465632642,
  NotificationsOutbox1795467723524,
  NotificationsSmsWebhooksDigests1795471149728,
  IdentityRegistration1795471975043,
  IdentityAccountSpace1795473448651,
  OidcSessionDevice1795473663901,
  IdentityDocument1795475360519,
  FranceconnectIdentity1795477605370,
  IdentityInvitations1796079011304,
  PlatformWebSessionClient1796079250178,
  AdminOperator1796082873293,
  SecondaryAccountsCompanyAccount1796082967050,
  SubscriptionsModel1796083073984,
  SecondaryAccountsTeleprocedure1796084089883,
  SubscriptionsExpiryWarning1796084565063,
  SecondaryAccountsBillingOptionsMailbox1796093693348,
  OidcResourceServer1796093713409,
  PlatformApiIdempotency1796093713410,
  SubscriptionsAccessCodes1796093770197,
  PlatformPayments1796093855921,
  OidcClientChangeNotify1796093899715,
  ClientSpaceModel1796094222052,
  LegalDocuments1796094672500,
  OidcClientDisabled1796096557729,
  OidcGrantLookupIndex1796096675059,
  IdentityRegistrationDraft1796105104623,
  SecondaryAccountsOrganisationNumbers1796105114056,
  IdentityAccountLocale1796105237145,
  SubscriptionsProductChangeNotify1796106136851,
  SecondaryAccountsChangeNotify1796106857750,
  ClientSpaceMessageAttachments1796106921386,
  LegalEnglishVersion1796109412000,
  SubscriptionsProductBrand1796121427813,
  OidcResourceServerChangeNotify1796128889392,
];
