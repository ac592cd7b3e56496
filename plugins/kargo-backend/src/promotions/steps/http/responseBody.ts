import { ExprObject } from '../../../expressions';
import type { Readable } from 'node:stream';
import { parse as parseYaml } from 'yaml';

/**
 * Reads a response body into memory, refusing more than `limit` bytes
 * (checked against Content-Length first, then while reading).
 */
export async function readBounded(
  body: Readable,
  limit: number,
  contentLength?: number,
): Promise<Buffer> {
  const tooLarge = (size: string) =>
    new Error(`response body ${size} exceeds the limit of ${limit} bytes`);
  if (contentLength !== undefined && contentLength > limit) {
    body.destroy();
    throw tooLarge(`size ${contentLength}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      body.destroy();
      throw tooLarge('size');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/** The media type of a Content-Type header: lower case, no parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `response.body` an expression sees, as Kargo's http step builds it:
 * JSON for application/json (and, when it parses, for unknown types), YAML
 * for the YAML types, a string for text/plain, `{}` when empty or when an
 * unknown type is not JSON. `contentType` is responseContentType if set,
 * else the response's media type.
 */
export function parseResponseBody(bytes: Buffer, contentType: string): unknown {
  if (bytes.length === 0) return {};
  const type = contentType.toLowerCase();
  const text = bytes.toString('utf8');
  if (YAML_TYPES.includes(type)) {
    try {
      return parseYaml(text);
    } catch (error) {
      throw new Error(
        `failed to parse YAML response: ${(error as Error).message}`,
      );
    }
  }
  if (type === 'text/plain') return text;
  if (type !== 'application/json' && !isJson(text)) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `failed to parse JSON response: ${(error as Error).message}`,
    );
  }
}

/** Go's textproto.CanonicalMIMEHeaderKey: "x-request-id" → "X-Request-Id". */
export function canonicalHeaderName(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name
    .toLowerCase()
    .replace(
      /(^|-)([a-z])/g,
      (_, dash: string, c: string) => dash + c.toUpperCase(),
    );
}

/**
 * The `response` variable of the http step's expressions: the fields
 * `status`, `headers` (canonical name → every value) and `body`, and Go's
 * `header(name)` method (first value, any case, "" when absent).
 */
export class ResponseVariable extends ExprObject {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string[]>,
    readonly body: unknown,
  ) {
    super();
  }

  get exprType() {
    return 'http.Response';
  }

  protected get exprMethods() {
    return {
      header: (self: ResponseVariable, args: unknown[]) => self.header(args[0]),
    };
  }

  header(name: unknown): string {
    const key = canonicalHeaderName(String(name));
    return Object.prototype.hasOwnProperty.call(this.headers, key)
      ? this.headers[key][0]
      : '';
  }

  readField(name: string): unknown {
    if (name === 'status') return this.status;
    if (name === 'headers') return this.headers;
    if (name === 'body') return this.body;
    return super.readField(name);
  }

  hasField(name: string): boolean {
    return name === 'status' || name === 'headers' || name === 'body';
  }

  toJSONValue(): unknown {
    return { status: this.status, headers: this.headers, body: this.body };
  }

  formatGo(): string {
    return JSON.stringify(this.toJSONValue());
  }
}

/** The `response` variable of the http step's expressions. */
export function responseVariable(
  status: number,
  rawHeaders: string[],
  body: unknown,
): ResponseVariable {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    (headers[canonicalHeaderName(rawHeaders[i])] ??= []).push(
      rawHeaders[i + 1],
    );
  }
  return new ResponseVariable(status, headers, body);
}
