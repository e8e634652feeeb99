import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CursorPageQuery } from '../../../platform/api';
import { MEMBER_ROLES, type MemberRole } from '../entities/membership-role.entity';
import { ACCOUNT_MODES, type AccountMode } from '../entities/subscription.entity';

const CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A section of a new product (« rubrique »). */
export class ProductSectionDto {
  @IsString({ message: 'Le code de la rubrique est obligatoire.' })
  @Matches(CODE, { message: 'Code de rubrique : lettres minuscules, chiffres et tirets, 64 caractères au plus.' })
  code!: string;

  @IsString({ message: 'Le nom de la rubrique est obligatoire.' })
  @MaxLength(200, { message: 'Le nom de la rubrique compte 200 caractères au plus.' })
  name!: string;
}

/** A new product's brand: each field optional. */
export class ProductBrandDto {
  @IsOptional()
  @IsString({ message: 'brand.name est une chaîne.' })
  @MaxLength(200, { message: 'Le nom de marque du produit compte 200 caractères au plus.' })
  name?: string;

  @IsOptional()
  @IsString({ message: 'brand.logo_url est une chaîne (https://… ou /…).' })
  @MaxLength(2000, { message: 'L’adresse du logo compte 2000 caractères au plus.' })
  logo_url?: string;

  @IsOptional()
  @IsString({ message: 'brand.primary_color est une chaîne (#rrggbb).' })
  @MaxLength(20, { message: 'brand.primary_color s’écrit #rrggbb.' })
  primary_color?: string;
}

export class CreateProductDto {
  @IsString({ message: 'Le code du produit est obligatoire.' })
  @Matches(CODE, { message: 'Code du produit : lettres minuscules, chiffres et tirets, 64 caractères au plus.' })
  code!: string;

  @IsString({ message: 'Le nom du produit est obligatoire.' })
  @MaxLength(200, { message: 'Le nom du produit compte 200 caractères au plus.' })
  name!: string;

  @IsString({ message: 'L’adresse du produit est obligatoire (https://…).' })
  @MaxLength(2000, { message: 'L’adresse du produit compte 2000 caractères au plus.' })
  url!: string;

  @IsOptional()
  @IsArray({ message: 'Les rubriques sont une liste de { code, name }.' })
  @ArrayMaxSize(100, { message: 'Cent rubriques au plus.' })
  @ValidateNested({ each: true, message: 'Chaque rubrique est un objet { code, name }.' })
  @Type(() => ProductSectionDto)
  sections?: ProductSectionDto[];

  @IsOptional()
  @IsArray({ message: 'Les clients du produit sont une liste d’identifiants.' })
  @ArrayMaxSize(50, { message: 'Cinquante clients au plus.' })
  @IsString({ each: true, message: 'Chaque client est un identifiant (une chaîne).' })
  @MaxLength(255, { each: true, message: 'Un identifiant de client compte 255 caractères au plus.' })
  client_ids?: string[];

  @IsOptional()
  @IsBoolean({ message: 'subscription_required vaut true ou false.' })
  subscription_required?: boolean;

  /** The product's brand on its sites' sign-in pages; its colour and logo are checked by the service (WCAG 2.1 AA). */
  @IsOptional()
  @ValidateNested({ message: 'brand est un objet { name, logo_url, primary_color }.' })
  @Type(() => ProductBrandDto)
  brand?: ProductBrandDto;
}

/** A product of a new subscription, with the sections covered (all of them when omitted or empty). */
export class SubscribedProductDto {
  @IsString({ message: 'Le code du produit est obligatoire.' })
  @MaxLength(64, { message: 'Un code de produit compte 64 caractères au plus.' })
  code!: string;

  @IsOptional()
  @IsArray({ message: 'Les rubriques sont une liste de codes.' })
  @ArrayMaxSize(100, { message: 'Cent rubriques au plus.' })
  @IsString({ each: true, message: 'Chaque rubrique est un code (une chaîne).' })
  @MaxLength(64, { each: true, message: 'Un code de rubrique compte 64 caractères au plus.' })
  sections?: string[];
}

export class CreateSubscriptionDto {
  @IsString({ message: 'Le nom de l’abonné est obligatoire.' })
  @MaxLength(200, { message: 'Le nom de l’abonné compte 200 caractères au plus.' })
  subscriber!: string;

  @IsArray({ message: 'Les produits sont une liste de { code, sections }.' })
  @ArrayMinSize(1, { message: 'Un abonnement porte sur au moins un produit.' })
  @ArrayMaxSize(50, { message: 'Cinquante produits au plus.' })
  @ValidateNested({ each: true, message: 'Chaque produit est un objet { code, sections }.' })
  @Type(() => SubscribedProductDto)
  products!: SubscribedProductDto[];

  @IsInt({ message: 'Le nombre de places est un nombre entier.' })
  @Min(1, { message: 'Au moins une place.' })
  @Max(100_000, { message: 'Cent mille places au plus.' })
  seats!: number;

  @IsString({ message: 'La date de début est obligatoire (AAAA-MM-JJ).' })
  @Matches(DATE, { message: 'La date de début est au format AAAA-MM-JJ.' })
  starts_on!: string;

  @IsString({ message: 'La date de fin est obligatoire (AAAA-MM-JJ).' })
  @Matches(DATE, { message: 'La date de fin est au format AAAA-MM-JJ.' })
  ends_on!: string;

  @IsIn(ACCOUNT_MODES, {
    message: 'Mode : self-declaration (auto-déclaration), administrator-managed ou no-personal-account.',
  })
  account_mode!: AccountMode;
}

/** Seats and dates of a subscription: each one omitted stays as it is. */
export class UpdateSubscriptionDto {
  @IsOptional()
  @IsInt({ message: 'Le nombre de places est un nombre entier.' })
  @Min(1, { message: 'Au moins une place.' })
  @Max(100_000, { message: 'Cent mille places au plus.' })
  seats?: number;

  @IsOptional()
  @IsString({ message: 'La date de début est une chaîne AAAA-MM-JJ.' })
  @Matches(DATE, { message: 'La date de début est au format AAAA-MM-JJ.' })
  starts_on?: string;

  @IsOptional()
  @IsString({ message: 'La date de fin est une chaîne AAAA-MM-JJ.' })
  @Matches(DATE, { message: 'La date de fin est au format AAAA-MM-JJ.' })
  ends_on?: string;
}

export class SubscriptionsQuery extends CursorPageQuery {
  @IsOptional()
  @IsString({ message: 'Le produit est un code.' })
  @MaxLength(64, { message: 'Un code de produit compte 64 caractères au plus.' })
  product?: string;
}

/** A ticked box of « ② Accès »: a role on the whole product (`section` omitted or null) or on one of its sections. */
export class RoleDto {
  @IsString({ message: 'Le produit du rôle est obligatoire (son code).' })
  @Matches(CODE, { message: 'Code de produit : lettres minuscules, chiffres et tirets, 64 caractères au plus.' })
  product!: string;

  @IsOptional()
  @IsString({ message: 'La rubrique est un code (ou null pour tout le produit).' })
  @Matches(CODE, { message: 'Code de rubrique : lettres minuscules, chiffres et tirets, 64 caractères au plus.' })
  section?: string | null;

  @IsIn(MEMBER_ROLES, { message: 'Rôle : reader (Lecteur) ou administrator (Admin).' })
  role!: MemberRole;
}

export class RolesDto {
  @IsArray({ message: 'Les rôles sont une liste de { product, section, role }.' })
  @ArrayMinSize(1, { message: 'Donnez au moins un rôle (Lecteur ou Admin) ; pour retirer le membre, supprimez-le.' })
  @ArrayMaxSize(500, { message: 'Cinq cents rôles au plus.' })
  @ValidateNested({ each: true, message: 'Chaque rôle est un objet { product, section, role }.' })
  @Type(() => RoleDto)
  roles!: RoleDto[];
}

/** « Créer un utilisateur »: zone ① Destinataire and zone ② Accès. */
export class InviteMemberDto extends RolesDto {
  @IsString({ message: 'L’adresse électronique est obligatoire.' })
  @MaxLength(254, { message: 'L’adresse électronique compte 254 caractères au plus.' })
  email!: string;

  @IsIn(['madame', 'monsieur'], { message: 'Civilité : madame ou monsieur.' })
  civility!: 'madame' | 'monsieur';

  @IsString({ message: 'Le nom est obligatoire.' })
  @MaxLength(128, { message: 'Le nom compte 128 caractères au plus.' })
  family_name!: string;

  @IsString({ message: 'Le prénom est obligatoire.' })
  @MaxLength(128, { message: 'Le prénom compte 128 caractères au plus.' })
  given_name!: string;
}

/** Issuing or resetting the access codes: optionally, the address of the « remise de codes » e-mail. */
export class IssueAccessCodesDto {
  @IsOptional()
  @IsString({ message: 'L’adresse électronique est une chaîne.' })
  @MaxLength(254, { message: 'L’adresse électronique compte 254 caractères au plus.' })
  email?: string;
}
