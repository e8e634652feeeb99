import { FormDto, TextField } from '../../../platform/http/form-fields';

/** « Adresse électronique »: the new address, confirmed with the current password. */
export class EmailChangeFormDto extends FormDto {
  @TextField(300) email?: string;
  @TextField() currentPassword?: string;
}
