import { CheckboxField, ChoiceField, FormDto, TextField } from '../../../platform/http/form-fields';

/** Sign-in, step 1: the identifier or e-mail address. */
export class IdentifierFormDto extends FormDto {
  @TextField(300) identifier?: string;
}

/** Sign-in, step 2: the identifier again (hidden), its copy for password managers, and the password. */
export class PasswordFormDto extends FormDto {
  @TextField(300) identifier?: string;
  @TextField(300) username?: string;
  @TextField(300) password?: string;
}

/** A new version of the CGU to accept before the sign-in completes. */
export class TermsFormDto extends FormDto {
  @TextField(4000) ticket?: string;
  @CheckboxField() accept?: string;
}

/** Consent: « Autoriser » or « Refuser ». */
export class ConsentFormDto extends FormDto {
  @ChoiceField(['autoriser', 'refuser']) decision?: string;
}

/** A new account after a first FranceConnect sign-in: contact details, identifier, optional password, consents. */
export class FranceConnectRegistrationFormDto extends FormDto {
  @TextField() email?: string;
  @TextField() mobilePhone?: string;
  @TextField() landlinePhone?: string;
  @TextField() identifier?: string;
  @TextField(300) password?: string;
  @TextField(300) passwordConfirmation?: string;
  @CheckboxField() emailMailing?: string;
  @CheckboxField() smsMailing?: string;
  @CheckboxField() acceptTerms?: string;
  @CheckboxField() acceptPrivacy?: string;
}

/** « J'ai déjà un compte » after a first FranceConnect sign-in: the existing account's identifier and password. */
export class FranceConnectLinkFormDto extends FormDto {
  @TextField() identifier?: string;
  @TextField(300) password?: string;
}

/** The confirmation of a link: the sealed ticket of the password checked, and « Confirmer » or « Annuler ». */
export class FranceConnectLinkConfirmFormDto extends FormDto {
  @TextField(2000) ticket?: string;
  @TextField(20) decision?: string;
}
