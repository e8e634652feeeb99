import { FormDto, TextField } from '../../../platform/http/form-fields';

/** « Mot de passe »: the current one (absent for an account without password), then the new one twice. */
export class PasswordChangeFormDto extends FormDto {
  @TextField() currentPassword?: string;
  @TextField() password?: string;
  @TextField() passwordConfirmation?: string;
}
