import { createHash, timingSafeEqual } from 'node:crypto';

/** Request headers as Node gives them (names lower-cased) or any case. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** What the receivers answer: an HTTP status and a JSON body. */
export type WebhookResponse = { status: number; body: unknown };

/** Kargo's xhttp.WriteErrorJSON: `{error}` except on 500, where it says nothing. */
export function errorResponse(
  status: number,
  message?: string,
): WebhookResponse {
  return {
    status,
    body: status !== 500 && message ? { error: message } : {},
  };
}

export function jsonResponse(status: number, body?: unknown): WebhookResponse {
  return { status, body: body ?? {} };
}

/** Case-insensitive header access with Go's Header.Get/Values semantics. */
export class Headers {
  private readonly values = new Map<string, string[]>();

  constructor(headers: RequestHeaders) {
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      const key = name.toLowerCase();
      const list = this.values.get(key) ?? [];
      list.push(...(Array.isArray(value) ? value : [value]));
      this.values.set(key, list);
    }
  }

  /** The first value, or '' (Go's Header.Get). */
  get(name: string): string {
    return this.values.get(name.toLowerCase())?.[0] ?? '';
  }

  /** Every value (Go's Header.Values). */
  all(name: string): string[] {
    return [...(this.values.get(name.toLowerCase()) ?? [])];
  }
}

/**
 * Constant-time string equality: both sides are hashed first, so neither
 * their contents nor their lengths leak through timing.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Raised for a payload that is not the JSON a handler expects (→ 400). */
export class InvalidBodyError extends Error {
  constructor(message = 'invalid request body') {
    super(message);
    this.name = 'InvalidBodyError';
  }
}

/**
 * Parses a JSON object body the way Go's json.Unmarshal into a struct does:
 * anything but an object (or `null`, which leaves the struct empty) fails.
 */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidBodyError();
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidBodyError();
  }
  return value as Record<string, unknown>;
}

function walk(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === undefined || current === null) return undefined;
    if (typeof current !== 'object' || Array.isArray(current)) {
      throw new InvalidBodyError();
    }
    current = Object.prototype.hasOwnProperty.call(current, key)
      ? (current as Record<string, unknown>)[key]
      : undefined;
  }
  return current;
}

/**
 * A string field at `path`: '' when absent or null, a 400 when present with
 * another type (as unmarshalling into a typed Go struct fails).
 */
export function str(value: unknown, ...path: string[]): string {
  const v = walk(value, path);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new InvalidBodyError();
  return v;
}

/** A number field at `path` (0 when absent). */
export function num(value: unknown, ...path: string[]): number {
  const v = walk(value, path);
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number') throw new InvalidBodyError();
  return v;
}

/** An object field at `path` (undefined when absent or null). */
export function obj(
  value: unknown,
  ...path: string[]
): Record<string, unknown> | undefined {
  const v = walk(value, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidBodyError();
  return v as Record<string, unknown>;
}

/** An array field at `path` ([] when absent or null). */
export function arr(value: unknown, ...path: string[]): unknown[] {
  const v = walk(value, path);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InvalidBodyError();
  return v;
}

/** An array of strings at `path`. */
export function strings(value: unknown, ...path: string[]): string[] {
  return arr(value, ...path).map(item => {
    if (item === null) return '';
    if (typeof item !== 'string') throw new InvalidBodyError();
    return item;
  });
}
