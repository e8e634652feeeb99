import { applyDecorators } from '@nestjs/common';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { t } from '../i18n/i18n';

/**
 * Building blocks of form DTOs (class-validator), read by the global ValidationPipe: unknown fields are refused, so a
 * form's DTO lists every field the form sends. What a field must contain (a valid name, a strong password) stays the
 * service's rule; the DTO only types and bounds the input. Messages come from the `validation` catalogue, as
 * functions: they are read when the request is validated, in its language (docs/i18n.md).
 */

/** A text field, optional in the body (an empty input is the service's to judge), at most `max` characters. */
export const TextField = (max = 500) =>
  applyDecorators(
    IsOptional(),
    IsString({ message: () => t('validation:text') }),
    MaxLength(max, { message: () => t('validation:maxLength', { max }) }),
  );

/** A checkbox sending `oui` when ticked, and nothing (or an empty value) otherwise. */
export const CheckboxField = () =>
  applyDecorators(IsOptional(), IsIn(['oui', ''], { message: () => t('validation:checkbox') }));

/** One value among `values` (radio buttons, a select), optional in the body. */
export const ChoiceField = (values: readonly string[]) =>
  applyDecorators(IsOptional(), IsIn(values, { message: () => t('validation:choice') }));

/** Every form carries its CSRF token (checked by CsrfGuard before validation). */
export abstract class FormDto {
  @TextField(200)
  _csrf?: string;
}
