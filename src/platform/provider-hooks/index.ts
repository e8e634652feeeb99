export {
  ProviderHooks,
  type AccessRefusal,
  type ClaimsContributor,
  type ClientAccessCheck,
  type HookCookie,
  type LogoutDetour,
  type ProviderSessionHook,
  type SharedCredentials,
  type SignInTarget,
} from './provider-hooks';
