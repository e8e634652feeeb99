import { IsOptional, IsString, MaxLength } from 'class-validator';
import { t } from '../../../platform/i18n/i18n';
import { CheckboxField, ChoiceField, FormDto, TextField } from '../../../platform/http/form-fields';

/** The search of « Gestion de vos comptes secondaires » (query string). */
export class SecondarySearchDto {
  @IsOptional() @IsString() @MaxLength(20) siret?: string;
  @ChoiceField(['', 'open', 'closed', 'validated']) statut?: string;
  @IsOptional() @IsString() @MaxLength(100) nom?: string;
  /** After an action, the account it concerned (the page says what was done). */
  @IsOptional() @IsString() @MaxLength(64) cree?: string;
  @IsOptional() @IsString() @MaxLength(64) desactive?: string;
  @IsOptional() @IsString() @MaxLength(64) reactive?: string;
}

/** « Créer un compte secondaire ». */
export class NewSecondaryFormDto extends FormDto {
  @TextField(40) name?: string;
  @TextField(200) password?: string;
  @TextField(200) passwordConfirmation?: string;
  @CheckboxField() autonomous?: string;
  @CheckboxField() mailbox?: string;
  /** Checkboxes: one code, or several. */
  @IsOptional()
  @IsString({ each: true, message: () => t('company:errors.teleproceduresList') })
  @MaxLength(32, { each: true, message: () => t('company:errors.teleproceduresList') })
  teleprocedures?: string | string[];
}

/** The services' switches, on the « Options » tab of any company account. */
export class ServiceOptionsFormDto extends FormDto {
  @CheckboxField() statementsSubscribed?: string;
  @CheckboxField() statementsAlert?: string;
  @TextField(16) statementsMailbox?: string;
  @CheckboxField() archivingSubscribed?: string;
  @IsOptional()
  @IsString({ each: true, message: () => t('company:errors.teleproceduresList') })
  @MaxLength(32, { each: true, message: () => t('company:errors.teleproceduresList') })
  teleprocedures?: string | string[];
  /** « Tout sélectionner ». */
  @ChoiceField(['oui']) tout?: string;
}

/** The « Options » tab of a secondary account, as its primary sends it. */
export class SecondaryOptionsFormDto extends ServiceOptionsFormDto {
  @CheckboxField() mailbox?: string;
  @CheckboxField() autonomous?: string;
}

/** The « Facturation » tab of the primary account. */
export class BillingFormDto extends FormDto {
  @CheckboxField() useResponsableAddress?: string;
  @TextField(10) billingStreetNumber?: string;
  @TextField(16) billingStreetSuffix?: string;
  @TextField(200) billingStreetName?: string;
  @TextField(200) billingAddressComplement?: string;
  @TextField(64) billingPoBox?: string;
  @TextField(16) billingPostalCode?: string;
  @TextField(128) billingCity?: string;
  @TextField(64) billingCountry?: string;
}

/** « Mot de passe »: the current one (the account's own), then the new one twice. */
export class CompanyPasswordFormDto extends FormDto {
  @TextField(200) currentPassword?: string;
  @TextField(200) password?: string;
  @TextField(200) passwordConfirmation?: string;
}

/** The « Options » tab of the primary account (« Tout sélectionner »: every téléprocédure of the catalogue). */
export class PrimaryOptionsFormDto extends ServiceOptionsFormDto {
  @TextField(10) quota?: string;
}
