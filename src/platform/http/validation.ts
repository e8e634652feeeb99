import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { PlatformError, PlatformErrorCode, type FieldErrors } from '../errors';

/**
 * The global validation: DTOs declare their rules with class-validator and French messages; unknown fields are
 * refused; the result is a `PlatformError` with a message per field.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new PlatformError(PlatformErrorCode.VALIDATION_FAILED, fieldErrors(errors)),
  });
}

export function fieldErrors(errors: ValidationError[], prefix = ''): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    const name = `${prefix}${error.property}`;
    if (error.constraints) fields[name] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(fields, fieldErrors(error.children, `${name}.`));
  }
  return fields;
}
