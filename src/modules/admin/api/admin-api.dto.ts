import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { CursorPageQuery } from '../../../platform/api';
import { AUTH_METHODS } from '../dto/client-form.dto';

export const ACCOUNT_STATUSES = ['active', 'pending', 'disabled'] as const;
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

export class AccountSearchQuery {
  @IsOptional()
  @IsString({ message: 'La recherche doit être une chaîne.' })
  @MaxLength(200, { message: 'La recherche fait au plus 200 caractères.' })
  q?: string;

  @IsOptional()
  @IsIn(ACCOUNT_STATUSES, { message: 'Statut inconnu : active, pending ou disabled.' })
  status?: (typeof ACCOUNT_STATUSES)[number];

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'La limite doit être un nombre entier.' })
  @Min(1, { message: 'La limite est au moins 1.' })
  @Max(200, { message: 'La limite est au plus 200.' })
  limit?: number;
}

export class CreateClientDto {
  @IsString({ message: 'L’identifiant du client est obligatoire.' })
  @MaxLength(100, { message: 'L’identifiant du client fait au plus 100 caractères.' })
  clientId: string;

  @IsOptional()
  @IsString({ message: 'Le nom doit être une chaîne.' })
  @MaxLength(200, { message: 'Le nom fait au plus 200 caractères.' })
  name?: string;

  @IsOptional()
  @IsArray({ message: 'Les adresses de retour sont une liste.' })
  @ArrayMaxSize(20, { message: 'Vingt adresses de retour au plus.' })
  @IsString({ each: true, message: 'Chaque adresse de retour est une chaîne.' })
  @MaxLength(2000, { each: true, message: 'Une adresse fait au plus 2000 caractères.' })
  redirectUris?: string[];

  @IsOptional()
  @IsArray({ message: 'Les adresses de retour après déconnexion sont une liste.' })
  @ArrayMaxSize(20, { message: 'Vingt adresses au plus.' })
  @IsString({ each: true, message: 'Chaque adresse est une chaîne.' })
  @MaxLength(2000, { each: true, message: 'Une adresse fait au plus 2000 caractères.' })
  postLogoutRedirectUris?: string[];

  @IsOptional()
  @IsString({ message: 'L’adresse de déconnexion par canal arrière est une chaîne.' })
  @MaxLength(2000, { message: 'L’adresse fait au plus 2000 caractères.' })
  backchannelLogoutUri?: string;

  @IsArray({ message: 'Les types d’autorisation sont une liste.' })
  @IsIn(GRANT_TYPES, { each: true, message: 'Type d’autorisation inconnu.' })
  grantTypes: string[];

  @IsOptional()
  @IsString({ message: 'Les portées sont une chaîne (séparées par des espaces).' })
  @MaxLength(1000, { message: 'Les portées font au plus 1000 caractères.' })
  scope?: string;

  @IsOptional()
  @IsIn(AUTH_METHODS, { message: 'Méthode d’authentification inconnue.' })
  tokenEndpointAuthMethod?: string;

  @IsOptional()
  @IsString({ message: 'Le rattachement est une chaîne « type:identifiant ».' })
  @Matches(/^[a-z][a-z0-9-]{0,31}:[A-Za-z0-9._-]{1,128}$/, {
    message: 'Le rattachement s’écrit « type:identifiant » (firm:<id>).',
  })
  apiBinding?: string;
}

/** `PATCH /api/v1/admin/clients/{clientId}`: the fields to change (the others stay as registered). */
export class UpdateClientDto {
  @IsOptional()
  @IsString({ message: 'Le nom doit être une chaîne.' })
  @MaxLength(200, { message: 'Le nom fait au plus 200 caractères.' })
  name?: string;

  @IsOptional()
  @IsArray({ message: 'Les adresses de retour sont une liste.' })
  @ArrayMaxSize(20, { message: 'Vingt adresses de retour au plus.' })
  @IsString({ each: true, message: 'Chaque adresse de retour est une chaîne.' })
  @MaxLength(2000, { each: true, message: 'Une adresse fait au plus 2000 caractères.' })
  redirectUris?: string[];

  @IsOptional()
  @IsArray({ message: 'Les adresses de retour après déconnexion sont une liste.' })
  @ArrayMaxSize(20, { message: 'Vingt adresses au plus.' })
  @IsString({ each: true, message: 'Chaque adresse est une chaîne.' })
  @MaxLength(2000, { each: true, message: 'Une adresse fait au plus 2000 caractères.' })
  postLogoutRedirectUris?: string[];

  @IsOptional()
  @IsString({ message: 'L’adresse de déconnexion par canal arrière est une chaîne (vide : aucune).' })
  @MaxLength(2000, { message: 'L’adresse fait au plus 2000 caractères.' })
  backchannelLogoutUri?: string;

  @IsOptional()
  @IsArray({ message: 'Les types d’autorisation sont une liste.' })
  @IsIn(GRANT_TYPES, { each: true, message: 'Type d’autorisation inconnu.' })
  grantTypes?: string[];

  @IsOptional()
  @IsString({ message: 'Les portées sont une chaîne (séparées par des espaces ; vide : aucune).' })
  @MaxLength(1000, { message: 'Les portées font au plus 1000 caractères.' })
  scope?: string;

  @IsOptional()
  @IsBoolean({ message: 'requirePar est un booléen.' })
  requirePar?: boolean;

  @IsOptional()
  @IsString({ message: 'Le logo est une adresse https:// (vide : aucun).' })
  @MaxLength(2000, { message: 'L’adresse du logo fait au plus 2000 caractères.' })
  logoUri?: string;
}

export class OutboxListQuery {
  @IsOptional()
  @IsIn(OUTBOX_STATUSES, { message: 'Statut inconnu : pending, sending, sent ou failed.' })
  status?: (typeof OUTBOX_STATUSES)[number];

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'La limite doit être un nombre entier.' })
  @Min(1, { message: 'La limite est au moins 1.' })
  @Max(500, { message: 'La limite est au plus 500.' })
  limit?: number;
}

export class AuditQuery extends CursorPageQuery {
  @IsOptional()
  @IsString({ message: 'L’acteur est une chaîne.' })
  @MaxLength(128, { message: 'L’acteur fait au plus 128 caractères.' })
  actor?: string;

  @IsOptional()
  @IsString({ message: 'La cible est une chaîne.' })
  @MaxLength(128, { message: 'La cible fait au plus 128 caractères.' })
  target?: string;

  @IsOptional()
  @IsString({ message: 'L’action est une chaîne.' })
  @MaxLength(128, { message: 'L’action fait au plus 128 caractères.' })
  action?: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'Date invalide : format ISO 8601 avec fuseau (2026-01-31T00:00:00Z).',
  })
  since?: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'Date invalide : format ISO 8601 avec fuseau (2026-01-31T00:00:00Z).',
  })
  until?: string;
}

export class AccountDeletionQuery {
  @IsString({ message: 'Répétez l’identifiant du compte à supprimer (confirmation).' })
  @MaxLength(200, { message: 'La confirmation fait au plus 200 caractères.' })
  confirmation: string;
}
