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
export { mergeBrands, type BrandContributor, type BrandLevel } from './relying-party-brand';
