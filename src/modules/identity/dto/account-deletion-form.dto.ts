import { CheckboxField, FormDto, TextField } from '../../../platform/http/form-fields';

/** « Mes données › Supprimer mon compte »: the password and the ticked confirmation. */
export class AccountDeletionFormDto extends FormDto {
  @TextField() password?: string;
  @CheckboxField() confirm?: string;
}
