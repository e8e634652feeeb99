import { ParseUUIDPipe } from '@nestjs/common';
import type { JsonSchema } from '../../../platform/api';
import { MEMBER_ROLES } from '../entities/membership-role.entity';
import { ACCOUNT_MODES } from '../entities/subscription.entity';
import { SubscriptionsError, SubscriptionsErrorCode } from '../subscriptions.errors';
import type { SubscriptionView } from '../subscriptions.service';
import type { ProductRow } from './publisher-reach';

export const PRODUCT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'code', 'name', 'url', 'sections', 'client_ids', 'subscription_required', 'brand'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    code: { type: 'string', description: 'Code du produit (minuscules, chiffres, tirets)' },
    name: { type: 'string' },
    url: { type: 'string', format: 'uri', description: 'Où « Mes abonnements » envoie la personne' },
    sections: {
      type: 'array',
      description: 'Rubriques du produit',
      items: {
        type: 'object',
        required: ['code', 'name'],
        properties: { code: { type: 'string' }, name: { type: 'string' } },
      },
    },
    client_ids: { type: 'array', items: { type: 'string' }, description: 'Clients OpenID du produit' },
    subscription_required: { type: 'boolean', description: 'Seuls les membres d’un abonnement en cours y entrent' },
    brand: {
      type: 'object',
      description:
        'Marque du produit sur les pages de connexion de ses sites (nom, logo, couleur) ; null : celle de la plateforme',
      required: ['name', 'logo_url', 'primary_color'],
      properties: {
        name: { type: ['string', 'null'] },
        logo_url: { type: ['string', 'null'], description: 'https://… ou chemin de ce site (/…)' },
        primary_color: {
          type: ['string', 'null'],
          description: '#rrggbb, contraste d’au moins 4,5:1 avec le blanc (WCAG 2.1 AA)',
        },
      },
    },
  },
};

export const SUBSCRIPTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'subscriber', 'seats', 'seats_used', 'starts_on', 'ends_on', 'account_mode', 'products'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    subscriber: { type: 'string', description: 'L’abonné' },
    seats: { type: 'integer', description: 'Nombre de places' },
    seats_used: { type: 'integer', description: 'Places prises (invitations en cours comprises)' },
    starts_on: { type: 'string', format: 'date', description: 'Premier jour (heure de Paris)' },
    ends_on: { type: 'string', format: 'date', description: 'Dernier jour, inclus' },
    account_mode: {
      type: 'string',
      enum: [...ACCOUNT_MODES],
      description: 'Mode de gestion de compte personnel : auto-déclaration, gestion par administrateur, sans compte',
    },
    products: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'name', 'sections'],
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          sections: { type: 'array', items: { type: 'string' }, description: 'Rubriques comprises (vide : toutes)' },
        },
      },
    },
  },
};

export const ROLE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['product', 'section', 'role'],
  properties: {
    product: { type: 'string', description: 'Code du produit' },
    section: { type: ['string', 'null'], description: 'Code de la rubrique ; null : tout le produit' },
    role: { type: 'string', enum: [...MEMBER_ROLES], description: 'reader : « Lecteur » ; administrator : « Admin »' },
  },
};

export const MEMBER_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['account_id', 'email', 'family_name', 'given_name', 'status', 'roles', 'joined_at'],
  properties: {
    account_id: { type: 'string', format: 'uuid' },
    email: { type: ['string', 'null'], format: 'email' },
    family_name: { type: ['string', 'null'] },
    given_name: { type: ['string', 'null'] },
    status: {
      type: 'string',
      enum: ['active', 'pending', 'disabled', 'deleted'],
      description:
        'pending : invitation pas encore suivie (en attente d’activation) ; deleted : le compte n’existe plus',
    },
    roles: { type: 'array', items: ROLE_SCHEMA },
    joined_at: { type: 'string', format: 'date-time' },
  },
};

export const INVITED_MEMBER_SCHEMA: JsonSchema = {
  ...MEMBER_SCHEMA,
  required: [...(MEMBER_SCHEMA.required as string[]), 'attached'],
  properties: {
    ...(MEMBER_SCHEMA.properties as Record<string, JsonSchema>),
    attached: {
      type: 'boolean',
      description:
        'true : un compte existant portait cette adresse, il est rattaché (et prévenu par e-mail) ; false : invitation envoyée',
    },
  },
};

export const ACCESS_CODES_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['login', 'issued_at'],
  properties: {
    login: { type: 'string', description: 'ABO-XXXX-XXXX' },
    issued_at: { type: 'string', format: 'date-time' },
  },
};

export const ISSUED_ACCESS_CODES_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['login', 'password', 'emailed_to'],
  properties: {
    login: { type: 'string', description: 'ABO-XXXX-XXXX' },
    password: {
      type: 'string',
      description:
        'XXXX-XXXX-XXXX : donné une seule fois, dans cette réponse ; la plateforme n’en garde que l’empreinte',
    },
    emailed_to: { type: ['string', 'null'], description: 'L’adresse à qui l’e-mail de remise des codes part' },
  },
};

export function productJson(product: ProductRow) {
  return {
    id: product.id,
    code: product.code,
    name: product.name,
    url: product.url,
    sections: product.sections,
    client_ids: product.client_ids,
    subscription_required: product.subscription_required,
    brand: {
      name: product.brand_name,
      logo_url: product.brand_logo_url,
      primary_color: product.brand_primary_color,
    },
  };
}

export function subscriptionJson(subscription: SubscriptionView) {
  return {
    id: subscription.id,
    subscriber: subscription.subscriber,
    seats: subscription.seats,
    seats_used: subscription.seatsUsed,
    starts_on: subscription.startsOn,
    ends_on: subscription.endsOn,
    account_mode: subscription.accountMode,
    products: subscription.products,
  };
}

/** A path parameter that is an id: anything but a UUID is a 400 problem in French, never a 500. */
export const UUID_PARAM = new ParseUUIDPipe({
  exceptionFactory: () =>
    new SubscriptionsError(SubscriptionsErrorCode.INVALID_INPUT, 'Identifiant invalide : un UUID est attendu.'),
});
