import { SetMetadata, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage } from 'class-validator';
import type { AppConfig } from '../../config';
import type { ApiRoute } from './api-catalog';
import { API_SCOPES } from './api-scopes';
import { IDEMPOTENT } from './idempotency';
import { PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA, PROBLEM_TITLES } from './problem-details';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Record<string, unknown>;

export interface ApiOperationOptions {
  /** One line, in French: what the operation does. */
  summary: string;
  description?: string;
  /** The group in the document (defaults to the controller's `@ApiTag()`). */
  tags?: string[];
  /** The success answers: status → description and schema (a JSON Schema, or a class-validator DTO class). */
  responses?: Record<number, { description: string; schema?: JsonSchema | Type }>;
}

const API_OPERATION = 'platform:api-operation';
const API_TAG = 'platform:api-tag';

/** Describes an API operation for the OpenAPI document (`/api/docs`). */
export const ApiOperation = (options: ApiOperationOptions) => SetMetadata(API_OPERATION, options);

/** The group of a controller's operations in the document (« Administration — comptes »). */
export const ApiTag = (name: string) => SetMetadata(API_TAG, name);

/** The OpenAPI 3.1 document of every `/api` route, built from the controllers' metadata and their DTOs. */
export function openApiDocument(config: AppConfig, routes: ApiRoute[]): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = { Problem: { ...PROBLEM_SCHEMA } };
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    if (route.policy?.kind !== 'api') continue;
    const operation = Reflect.getMetadata(API_OPERATION, route.handler) as ApiOperationOptions | undefined;
    const tag = (Reflect.getMetadata(API_TAG, route.controller) as string | undefined) ?? route.controller.name;
    const operationTags = operation?.tags ?? [tag];
    operationTags.forEach((t) => tags.add(t));
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const { parameters, body } = parametersOf(route, schemas);
    if (Reflect.getMetadata(IDEMPOTENT, route.handler))
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Clé unique choisie par le client : la même clé avec le même corps rejoue la première réponse ; avec un autre corps, 422.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation?.responses ?? { 200: { description: 'Succès' } })) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: schemaRef(response.schema, schemas) } } }
          : {}),
      };
    }
    for (const status of [400, 401, 403, 404, ...(body ? [422] : []), 500])
      responses[String(status)] ??= {
        description: PROBLEM_TITLES[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: `${route.controller.name}.${route.handlerName}`,
      summary: operation?.summary ?? route.handlerName,
      ...(operation?.description ? { description: operation.description } : {}),
      tags: operationTags,
      security: [{ oauth2: route.policy.scopes }],
      'x-scopes': route.policy.scopes,
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'API de la plateforme d’identité',
      version: '1',
      description:
        'API JSON de la plateforme. Jetons d’accès : client_credentials au point de jeton du fournisseur, avec la ressource ' +
        `${config.publicUrl}/api ; erreurs au format problem details (RFC 9457).`,
    },
    servers: [{ url: config.publicUrl }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: `Jeton JWT (RFC 9068) pour la ressource ${config.publicUrl}/api (paramètre resource, RFC 8707).`,
          flows: { clientCredentials: { tokenUrl: `${config.issuer}/token`, scopes: { ...API_SCOPES } } },
        },
      },
    },
  };
}

interface RouteArg {
  index: number;
  data?: unknown;
}

function parametersOf(route: ApiRoute, schemas: Record<string, JsonSchema>) {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ?? {}) as Record<
    string,
    RouteArg
  >;
  const types = (Reflect.getMetadata('design:paramtypes', route.controller.prototype as object, route.handlerName) ??
    []) as unknown[];
  const parameters: Array<Record<string, unknown>> = [];
  let body: JsonSchema | undefined;
  for (const [key, arg] of Object.entries(args)) {
    const paramtype = Number(key.split(':')[0]) as RouteParamtypes;
    const type = types[arg.index];
    if (paramtype === RouteParamtypes.BODY && isDto(type)) body = schemaRef(type, schemas);
    if (paramtype === RouteParamtypes.QUERY && arg.data === undefined && isDto(type)) {
      const schema = dtoSchema(type);
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [name, property] of Object.entries(schema.properties as Record<string, JsonSchema>))
        parameters.push({ name, in: 'query', required: required.has(name), schema: property });
    }
  }
  for (const name of route.path.match(/:([A-Za-z0-9_]+)/g) ?? [])
    parameters.unshift({ name: name.slice(1), in: 'path', required: true, schema: { type: 'string' } });
  return { parameters, body };
}

function isDto(type: unknown): type is Type {
  return typeof type === 'function' && ![String, Number, Boolean, Object, Array].includes(type as never);
}

function schemaRef(schema: JsonSchema | Type, schemas: Record<string, JsonSchema>): JsonSchema {
  if (typeof schema !== 'function') return schema;
  schemas[schema.name] ??= dtoSchema(schema);
  return { $ref: `#/components/schemas/${schema.name}` };
}

/** A DTO's JSON Schema, read from its class-validator rules. */
export function dtoSchema(type: Type): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const optional = new Set<string>();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(type, '', true, false)) {
    const property = (properties[rule.propertyName] ??= {});
    const target = rule.each ? ((property.items as JsonSchema | undefined) ?? (property.items = {})) : property;
    const [first] = (rule.constraints ?? []) as unknown[];
    switch (rule.name ?? '') {
      case 'isOptional':
        optional.add(rule.propertyName);
        break;
      case 'isString':
        target.type = 'string';
        break;
      case 'isEmail':
        Object.assign(target, { type: 'string', format: 'email' });
        break;
      case 'isUuid':
        Object.assign(target, { type: 'string', format: 'uuid' });
        break;
      case 'isUrl':
        Object.assign(target, { type: 'string', format: 'uri' });
        break;
      case 'isISO8601':
      case 'isDateString':
        Object.assign(target, { type: 'string', format: 'date-time' });
        break;
      case 'isInt':
        target.type = 'integer';
        break;
      case 'isNumber':
        target.type = 'number';
        break;
      case 'isBoolean':
        target.type = 'boolean';
        break;
      case 'isArray':
        property.type = 'array';
        property.items ??= {};
        break;
      case 'isIn':
        target.enum = first;
        break;
      case 'maxLength':
        target.maxLength = first;
        break;
      case 'minLength':
        target.minLength = first;
        break;
      case 'isNotEmpty':
        target.minLength ??= 1;
        break;
      case 'min':
        target.minimum = first;
        break;
      case 'max':
        target.maximum = first;
        break;
      case 'arrayMaxSize':
        property.maxItems = first;
        break;
      case 'matches':
        if (first instanceof RegExp) target.pattern = first.source;
        break;
    }
  }
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
}
