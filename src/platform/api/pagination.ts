import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { hasForbiddenCharacters } from '../http/input-guard';
import { ApiError, ApiErrorCode } from './api.errors';
import type { JsonSchema } from './openapi';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** `?cursor=…&limit=…` of a list: extend it with the list's own filters. */
export class CursorPageQuery {
  @IsOptional()
  @IsString({ message: 'Le curseur doit être une chaîne.' })
  @MaxLength(512, { message: 'Le curseur est trop long.' })
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'La taille de page doit être un nombre entier.' })
  @Min(1, { message: 'La taille de page est au moins 1.' })
  @Max(MAX_PAGE_SIZE, { message: `La taille de page est au plus ${MAX_PAGE_SIZE}.` })
  limit?: number;
}

/** One page of a list: its items, and the cursor of the next page (null on the last one). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** The cursor of a position in a list: the values of its sort keys (a date and an id, say), opaque to the client. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * The position a cursor stands for, checked by `valid` (a cursor is not signed: a client may send anything), or
 * undefined without cursor. A malformed cursor is a 400 problem.
 */
export function decodeCursor<T extends readonly unknown[]>(
  cursor: string | undefined,
  valid: (position: readonly unknown[]) => position is T,
): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError(ApiErrorCode.INVALID_CURSOR);
  }
  // A cursor is base64: the input guard never saw its content (a NUL there would reach PostgreSQL: a 500).
  if (!Array.isArray(position) || hasForbiddenCharacters(position) || !valid(position))
    throw new ApiError(ApiErrorCode.INVALID_CURSOR);
  return position;
}

/**
 * The page from rows fetched with `limit + 1` (the extra row only tells that a next page exists); `positionOf` gives
 * the sort keys of a row, for the next cursor.
 */
export function pageOf<Row, Item = Row>(
  rows: Row[],
  limit: number,
  positionOf: (row: Row) => readonly (string | number)[],
  toItem: (row: Row) => Item = (row) => row as unknown as Item,
): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    data: items.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}

/** The JSON Schema of a page of `item`, for `@ApiOperation({ responses })`. */
export function pageSchema(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: {
      data: { type: 'array', items: item },
      nextCursor: { type: ['string', 'null'], description: 'À renvoyer en ?cursor= pour la page suivante.' },
    },
  };
}
