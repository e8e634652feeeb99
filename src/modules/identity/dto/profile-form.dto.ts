import { CheckboxField, FormDto, TextField } from '../../../platform/http/form-fields';

/** « Mon profil »: identity, contact details, address. */
export class ProfileFormDto extends FormDto {
  @TextField() civility?: string;
  @TextField() familyName?: string;
  @TextField() usageName?: string;
  @TextField() givenName?: string;
  @TextField() birthDate?: string;
  @TextField() mobilePhone?: string;
  @TextField() landlinePhone?: string;
  @TextField() occupation?: string;
  @TextField() jobTitle?: string;
  @TextField() organisationName?: string;
  @TextField() establishment?: string;
  @TextField() addressLine?: string;
  @TextField() addressComplement?: string;
  @TextField() postalCode?: string;
  @TextField() city?: string;
  @TextField() country?: string;
  @CheckboxField() emailMailing?: string;
  @CheckboxField() smsMailing?: string;
}
