import { ChoiceField, FormDto, TextField } from '../../../platform/http/form-fields';

/** The console's mode names, in URLs and forms: the seed's words, as the command line takes them. */
export const CONSOLE_MODES = ['auto-declaration', 'gestion-administrateur', 'sans-compte'] as const;

/** « Changer le mode de gestion », confirmed: the new mode, and the operator's password when the sign-in is old. */
export class ModeChangeFormDto extends FormDto {
  @ChoiceField(CONSOLE_MODES) mode?: string;
  @TextField(500) password?: string;
}
