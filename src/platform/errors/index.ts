export { DomainError, type ErrorKind, type FieldErrors } from './domain-error';
export { PlatformError, PlatformErrorCode } from './platform.errors';
export { StartupError } from './startup-error';
