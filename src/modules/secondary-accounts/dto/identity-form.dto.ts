import { ChoiceField, FormDto, TextField } from '../../../platform/http/form-fields';

/** The « Identité » tab of « Gestion des Comptes ». `copier`: « Copier les informations du responsable ». */
export class IdentityFormDto extends FormDto {
  @TextField(20) nic?: string;
  @TextField(200) name?: string;
  @TextField(200) legalRepresentative?: string;
  @TextField(8) civility?: string;
  @TextField(128) familyName?: string;
  @TextField(128) givenName?: string;
  @TextField(10) streetNumber?: string;
  @TextField(16) streetSuffix?: string;
  @TextField(200) streetName?: string;
  @TextField(200) addressComplement?: string;
  @TextField(64) poBox?: string;
  @TextField(16) postalCode?: string;
  @TextField(128) city?: string;
  @TextField(64) country?: string;
  @TextField(254) email?: string;
  @TextField(30) phone?: string;
  @TextField(30) fax?: string;
  @TextField(200) technicalContactName?: string;
  @TextField(254) technicalContactEmail?: string;
  @TextField(30) technicalContactPhone?: string;
  @TextField(200) administrativeContactName?: string;
  @TextField(254) administrativeContactEmail?: string;
  @TextField(30) administrativeContactPhone?: string;
  @ChoiceField(['technique', 'administratif']) copier?: string;
}
