export { SubscriptionsModule } from './subscriptions.module';
export {
  SubscriptionsService,
  MODE_LABELS,
  type NewProduct,
  type NewSubscription,
  type ProductView,
  type RoleGrant,
  type SubscriptionView,
  type ModeChange,
  type ProductAccessView,
} from './subscriptions.service';
export { SubscriptionsError, SubscriptionsErrorCode } from './subscriptions.errors';
export { ACCOUNT_MODES, type AccountMode } from './entities/subscription.entity';
export { MEMBER_ROLES, type MemberRole } from './entities/membership-role.entity';
export { subscriptionsCommands } from './cli/subscriptions.commands';
export { SubscriptionsClock } from './subscriptions.clock';
export { SubscriptionsExpiryJob, EXPIRY_WARNING_DAYS } from './subscriptions-expiry.job';
export { AccessCodesService, SHARED_SUBJECT_PREFIX, type IssuedAccessCodes } from './access-codes.service';
