import { ArrayMaxSize, IsArray, IsOptional, IsString } from 'class-validator';
import { CheckboxField, FormDto, TextField } from '../../../platform/http/form-fields';
import { t } from '../../../platform/i18n/i18n';

/** « Créer mon compte » (every profile; the identity document arrives as a file, outside the body). */
export class RegistrationFormDto extends FormDto {
  @TextField() civility?: string;
  @TextField() familyName?: string;
  @TextField() usageName?: string;
  @TextField() givenName?: string;
  @TextField() birthDate?: string;
  @TextField() email?: string;
  @TextField() mobilePhone?: string;
  @TextField() landlinePhone?: string;
  @TextField() occupation?: string;
  @TextField() jobTitle?: string;
  @TextField() organisationName?: string;
  @TextField() organisationNumber?: string;
  @TextField() rna?: string;
  @TextField() contractNumber?: string;
  @TextField() identifier?: string;
  @TextField() activationChannel?: string;
  @TextField() identityDocumentKind?: string;
  @TextField() addressLine?: string;
  @TextField() addressComplement?: string;
  @TextField() postalCode?: string;
  @TextField() city?: string;
  @TextField(300) password?: string;
  @TextField(300) passwordConfirmation?: string;
  @CheckboxField() acceptTerms?: string;
  @CheckboxField() acceptPrivacy?: string;
  @CheckboxField() emailMailing?: string;
  @CheckboxField() smsMailing?: string;
}

/** A step of the company registration (seed 004): its fields, and « Étape précédente » or « Continuer ». */
export class CompanyStepFormDto extends RegistrationFormDto {
  @TextField(20) action?: string;
}

/** The live strength meter's question (JSON from forms.js): the password and the person's data typed so far. */
export class PasswordStrengthDto {
  @TextField(300) password?: string;

  @IsOptional()
  @IsArray({ message: () => t('registration:errors.personalList') })
  @ArrayMaxSize(20, { message: () => t('registration:errors.personalMax') })
  @IsString({ each: true, message: () => t('registration:errors.personalText') })
  personal?: string[];
}

/** The 6-digit activation code received by SMS. */
export class ActivationCodeFormDto extends FormDto {
  @TextField(20) code?: string;
}

/** The page « Validation de votre compte »: its sealed ticket and the channel chosen. */
export class ActivationChoiceFormDto extends FormDto {
  @TextField(2000) ticket?: string;
  @TextField(10) channel?: string;
}
