export {
  ProviderHooks,
  type AccessRefusal,
  type ClaimsContributor,
  type ClientAccessCheck,
  type SignInTarget,
} from './provider-hooks';
