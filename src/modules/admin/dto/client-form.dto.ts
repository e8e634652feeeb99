import { CheckboxField, ChoiceField, FormDto, TextField } from '../../../platform/http/form-fields';

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

/** « Nouveau site » and « Modifier le site » in the console: the same metadata as `clients:add`, one URI a line. */
export class ClientFormDto extends FormDto {
  @TextField(255) clientId?: string;
  @TextField(200) name?: string;
  @TextField(5000) redirectUris?: string;
  @TextField(5000) postLogoutRedirectUris?: string;
  @TextField(2000) backchannelLogoutUri?: string;
  @TextField(1000) scope?: string;
  @CheckboxField() grantAuthorizationCode?: string;
  @CheckboxField() grantRefreshToken?: string;
  @CheckboxField() grantClientCredentials?: string;
  @ChoiceField(AUTH_METHODS) tokenEndpointAuthMethod?: string;
  @CheckboxField() requirePar?: string;
  @TextField(2000) logoUri?: string;
}
