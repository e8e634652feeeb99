import { FormDto, TextField } from '../../../platform/http/form-fields';

/** « Supprimer le compte » from the console: the account's identifier typed again, and the step-up password. */
export class AccountDeletionFormDto extends FormDto {
  @TextField(100) confirmation?: string;
  @TextField() password?: string;
}
