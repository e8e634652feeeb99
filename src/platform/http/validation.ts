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
    if (error.constraints)
      fields[name] = Object.entries(error.constraints).map(([rule, message]) =>
        // class-validator's own message for `forbidNonWhitelisted` is English.
        rule === 'whitelistValidation' ? 'Ce champ n’est pas attendu ici.' : message,
      );
    if (error.children?.length) Object.assign(fields, fieldErrors(error.children, `${name}.`));
  }
  return fields;
}
