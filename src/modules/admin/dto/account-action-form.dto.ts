import { FormDto, TextField } from '../../../platform/http/form-fields';

/** An action on an account from the console: the operator's password when a step-up is asked, nothing else. */
export class AccountActionFormDto extends FormDto {
  @TextField() password?: string;
}
