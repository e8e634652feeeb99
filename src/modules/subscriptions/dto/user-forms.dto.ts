import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CheckboxField, ChoiceField, FormDto, TextField } from '../../../platform/http/form-fields';

/** Checkboxes sharing one name: none, one (a string) or several (an array), always read as an array. */
const ListField = () => (target: object, key: string) => {
  Transform(({ value }: { value: unknown }) =>
    value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value],
  )(target, key);
  IsOptional()(target, key);
  IsString({ each: true, message: 'Valeur de case à cocher invalide.' })(target, key);
  MaxLength(300, { each: true, message: 'Valeur de case à cocher invalide.' })(target, key);
};

/** « Gérer mes utilisateurs › Créer un utilisateur ». */
export class CreateUserFormDto extends FormDto {
  @TextField(254)
  email?: string;

  @ChoiceField(['madame', 'monsieur', ''])
  civility?: string;

  @TextField(128)
  familyName?: string;

  @TextField(128)
  givenName?: string;

  /** `produit|rubrique|rôle` of each ticked « Lecteur ? » / « Admin ? » box. */
  @ListField()
  access: string[] = [];
}

/** A user's rights: the zone ② of « Créer un utilisateur », alone. */
export class UserRightsFormDto extends FormDto {
  @ListField()
  access: string[] = [];
}

/** « Tous mes utilisateurs »: the ticked « Supprimer » boxes. */
export class RemoveUsersFormDto extends FormDto {
  @ListField()
  members: string[] = [];
}

/** « Créer mon compte personnel » (auto-déclaration), the seed's fields. */
export class PersonalAccountFormDto extends FormDto {
  @TextField(254)
  email?: string;

  @TextField(200)
  password?: string;

  @TextField(200)
  passwordConfirmation?: string;

  @ChoiceField(['madame', 'monsieur', ''])
  civility?: string;

  @TextField(128)
  familyName?: string;

  @TextField(128)
  givenName?: string;

  @TextField(100)
  occupation?: string;

  @TextField(200)
  jobTitle?: string;

  @CheckboxField()
  acceptTerms?: string;

  @CheckboxField()
  acceptPrivacy?: string;
}
