import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { PlatformError, PlatformErrorCode, type FieldErrors } from '../errors';
import { t } from '../i18n/i18n';

/**
 * The global validation: DTOs declare their rules with class-validator and messages in the request's language
 * (functions reading the catalogues); unknown fields are refused; the result is a `PlatformError` with a message per
 * field.
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
        // class-validator's own message for `forbidNonWhitelisted` is English, whatever the page's language.
        rule === 'whitelistValidation' ? t('validation:notExpected') : message,
      );
    if (error.children?.length) Object.assign(fields, fieldErrors(error.children, `${name}.`));
  }
  return fields;
}
