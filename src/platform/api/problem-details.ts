import type { Response } from 'express';
import type { FieldErrors } from '../errors';

/** French titles per HTTP status, for problem details (RFC 9457 §3.1.3: the same for every occurrence). */
export const PROBLEM_TITLES: Record<number, string> = {
  400: 'Requête incorrecte',
  401: 'Authentification requise',
  403: 'Accès refusé',
  404: 'Ressource introuvable',
  405: 'Méthode non autorisée',
  409: 'Conflit',
  413: 'Requête trop volumineuse',
  415: 'Format non pris en charge',
  422: 'Requête impossible à traiter',
  429: 'Trop de requêtes',
  500: 'Erreur interne',
  503: 'Service indisponible',
};

/** A problem details object (RFC 9457) as the API sends it, with the platform's extension members. */
export interface ProblemDetails {
  /** `urn:plateforme:probleme:<code>`: one type per error code. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The path of the request (without its query string). */
  instance: string;
  /** The error code (SCREAMING_SNAKE), stable for programs. */
  code: string;
  /** The request id (`X-Request-Id`), to give to support. */
  requestId: string;
  /** Validation errors: one entry per field and message. */
  errors?: Array<{ field: string; detail: string }>;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `urn:plateforme:probleme:${code.toLowerCase().replace(/_/g, '-')}`;
}

export function problemDetails(input: {
  status: number;
  code: string;
  detail: string;
  instance: string;
  requestId: string;
  fields?: FieldErrors;
}): ProblemDetails {
  const errors = input.fields
    ? Object.entries(input.fields).flatMap(([field, messages]) => messages.map((detail) => ({ field, detail })))
    : undefined;
  return {
    type: problemType(input.code),
    title: PROBLEM_TITLES[input.status] ?? (input.status >= 500 ? PROBLEM_TITLES[500] : PROBLEM_TITLES[400]),
    status: input.status,
    detail: input.detail,
    instance: input.instance,
    code: input.code,
    requestId: input.requestId,
    ...(errors?.length ? { errors } : {}),
  };
}

/** Sends a problem (`application/problem+json`, never an HTML page). */
export function sendProblem(res: Response, problem: ProblemDetails): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Under `/api` (and `/api` itself): every error is a problem details document. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** The JSON Schema of a problem, for the OpenAPI document. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri-reference' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'detail'],
        properties: { field: { type: 'string' }, detail: { type: 'string' } },
      },
    },
  },
} as const;
