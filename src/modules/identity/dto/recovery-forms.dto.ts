import { CheckboxField, ChoiceField, FormDto, TextField } from '../../../platform/http/form-fields';

/** « Mot de passe oublié » : the login, and how to receive the reset (link by e-mail, code by SMS). */
export class ResetRequestFormDto extends FormDto {
  @TextField(300) login?: string;
  @ChoiceField(['email', 'sms']) channel?: 'email' | 'sms';
}

/** The 6-digit code received by SMS. */
export class ResetCodeFormDto extends FormDto {
  @TextField(20) code?: string;
}

/** The new password, twice. */
export class NewPasswordFormDto extends FormDto {
  @TextField(300) password?: string;
  @TextField(300) passwordConfirmation?: string;
}

/** « Identifiant oublié » : the account's e-mail address. */
export class IdentifierReminderFormDto extends FormDto {
  @TextField(300) email?: string;
}

/** An invited person's first password, twice, with the consents the account still needs. */
export class InvitationFormDto extends NewPasswordFormDto {
  @CheckboxField() acceptTerms?: string;
  @CheckboxField() acceptPrivacy?: string;
}
