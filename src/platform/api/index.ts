export { ApiModule } from './api.module';
export {
  ApiClient,
  ApiScopes,
  API_TOKEN_KEYS,
  apiCallerOf,
  scopeSatisfied,
  type ApiCaller,
  type ApiTokenKeys,
} from './api-access';
export {
  API_BINDING_CLAIM,
  API_SCOPES,
  API_SCOPE_BINDINGS,
  API_SCOPE_NAMES,
  FIRM_BOUND_SCOPES,
  isApiBinding,
  parseApiBinding,
  platformApiResource,
  requiredBindingKind,
  unboundScope,
  type ApiBinding,
  type ApiScope,
} from './api-scopes';
export { ApiError, ApiErrorCode } from './api.errors';
export { Idempotent } from './idempotency';
export { ApiOperation, ApiTag, type ApiOperationOptions, type JsonSchema } from './openapi';
export {
  CursorPageQuery,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  pageOf,
  pageSchema,
  type Page,
} from './pagination';
