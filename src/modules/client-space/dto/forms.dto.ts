import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CheckboxField, ChoiceField, FormDto, TextField } from '../../../platform/http/form-fields';
import { t } from '../../../platform/i18n/i18n';

/** Checkboxes sharing one name: none, one (a string) or several (an array), always read as an array. */
const ListField = () => (target: object, key: string) => {
  Transform(({ value }: { value: unknown }) =>
    value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value],
  )(target, key);
  IsOptional()(target, key);
  IsString({ each: true, message: () => t('clientSpace:errors.checkboxInvalid') })(target, key);
  MaxLength(100, { each: true, message: () => t('clientSpace:errors.checkboxInvalid') })(target, key);
};

/** The seed's « Mettre à jour mes coordonnées » fields. */
export class ContactFormDto extends FormDto {
  @TextField(128) familyName?: string;
  @TextField(128) givenName?: string;
  @TextField(254) email?: string;
  @TextField(300) address?: string;
  @TextField(10) postalCode?: string;
  @TextField(128) city?: string;
  @TextField(30) phone?: string;
  @TextField(30) mobile?: string;
}

/** « Inviter un client »: a person or a company, and its contact details. */
export class InviteClientFormDto extends ContactFormDto {
  @ChoiceField(['personne', 'societe', '']) kind?: string;
  @TextField(200) companyName?: string;
}

export class NewDossierFormDto extends FormDto {
  @TextField(60) number?: string;
  @TextField(200) label?: string;
  @TextField(40) interlocutorId?: string;
  @ListField() clientIds: string[] = [];
}

/** A new item of a dossier (multipart: a document or an invoice comes with its file). */
export class NewItemFormDto extends FormDto {
  @ChoiceField(['document', 'rdv', 'facture', 'tache', 'temps', 'frais', '']) kind?: string;
  @TextField(300) title?: string;
  @TextField(20) date?: string;
  @TextField(300) place?: string;
  @TextField(10) time?: string;
  @TextField(60) invoiceNumber?: string;
  @TextField(30) amount?: string;
  @TextField(10) minutes?: string;
  @CheckboxField() share?: string;
}

export class BrandingFormDto extends FormDto {
  @TextField(200) name?: string;
  @TextField(20) primaryColor?: string;
}

/** « Dépôt de documents »: the dossier; the files come in the multipart body. */
export class UploadFormDto extends FormDto {
  @TextField(40) dossier?: string;
}

/** « Contacter l’interlocuteur » (and the firm's reply). */
export class MessageFormDto extends FormDto {
  @TextField(200) subject?: string;
  @IsOptional()
  @IsString({ message: () => t('clientSpace:errors.text') })
  @MaxLength(5000, { message: () => t('clientSpace:errors.bodyTooLong') })
  body?: string;
  @TextField(40) client?: string;
}

/** A button form: only its CSRF token. */
export class ButtonFormDto extends FormDto {}
