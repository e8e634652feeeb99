import { applyDecorators } from '@nestjs/common';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * Building blocks of form DTOs (class-validator, French messages), read by the global ValidationPipe: unknown fields
 * are refused, so a form's DTO lists every field the form sends. What a field must contain (a valid name, a strong
 * password) stays the service's rule; the DTO only types and bounds the input.
 */

/** A text field, optional in the body (an empty input is the service's to judge), at most `max` characters. */
export const TextField = (max = 500) =>
  applyDecorators(
    IsOptional(),
    IsString({ message: 'Ce champ doit contenir du texte.' }),
    MaxLength(max, { message: `Ce champ compte au plus ${max} caractères.` }),
  );

/** A checkbox sending `oui` when ticked, and nothing (or an empty value) otherwise. */
export const CheckboxField = () =>
  applyDecorators(IsOptional(), IsIn(['oui', ''], { message: 'Cette case ne peut valoir que « oui ».' }));

/** One value among `values` (radio buttons, a select), optional in the body. */
export const ChoiceField = (values: readonly string[]) =>
  applyDecorators(IsOptional(), IsIn(values, { message: 'Choisissez une des valeurs proposées.' }));

/** Every form carries its CSRF token (checked by CsrfGuard before validation). */
export abstract class FormDto {
  @TextField(200)
  _csrf?: string;
}
