import { IsOptional, IsString, MaxLength } from 'class-validator';
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
  @IsString({ each: true, message: 'Choisissez des téléprocédures de la liste.' })
  @MaxLength(32, { each: true, message: 'Choisissez des téléprocédures de la liste.' })
  teleprocedures?: string | string[];
}

/** The « Options » tab of the primary account. */
export class PrimaryOptionsFormDto extends FormDto {
  @TextField(10) quota?: string;
  @IsOptional()
  @IsString({ each: true, message: 'Choisissez des téléprocédures de la liste.' })
  @MaxLength(32, { each: true, message: 'Choisissez des téléprocédures de la liste.' })
  teleprocedures?: string | string[];
  /** « Tout sélectionner »: every téléprocédure of the catalogue. */
  @ChoiceField(['oui']) tout?: string;
}
