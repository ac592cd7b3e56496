import { InputError } from '@backstage/errors';
import type { ListCursor } from '../database';

export const MAX_PAGE_SIZE = 1000;

/** Reads `limit` (1..1000, default 1000). */
export function parseLimit(value: unknown): number {
  if (value === undefined || value === '') {
    return MAX_PAGE_SIZE;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new InputError(
      `limit: must be an integer from 1 to ${MAX_PAGE_SIZE}`,
    );
  }
  return n;
}

/** The opaque `continue` token is the keyset cursor, base64url JSON. */
export function encodeContinue(
  cursor: ListCursor | undefined,
): string | undefined {
  return cursor
    ? Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url')
    : undefined;
}

export function decodeContinue(value: unknown): ListCursor | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  try {
    const cursor = JSON.parse(
      Buffer.from(String(value), 'base64url').toString('utf8'),
    );
    if (
      typeof cursor?.name === 'string' &&
      (cursor.sortAt === undefined || typeof cursor.sortAt === 'number')
    ) {
      return cursor;
    }
  } catch {
    // fall through to the error below
  }
  throw new InputError('continue: not a token this API answered');
}

/** Query values given as `a,b` or repeated (`?origins=a&origins=b`). */
export function parseList(value: unknown): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const values = (Array.isArray(value) ? value : [value]).flatMap(v =>
    String(v).split(','),
  );
  const list = values.map(v => v.trim()).filter(Boolean);
  return list.length ? list : undefined;
}
