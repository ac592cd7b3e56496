import { parseAllDocuments } from 'yaml';

/** A manifest body could not be parsed as YAML or JSON. */
export class ManifestParseError extends Error {
  /** 1-based number of the offending document (YAML), if known. */
  readonly document?: number;
  /** 1-based line of the error in the body, if known. */
  readonly line?: number;

  constructor(
    message: string,
    options: { document?: number; line?: number } = {},
  ) {
    super(message);
    this.name = 'ManifestParseError';
    this.document = options.document;
    this.line = options.line;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * A document may hold a list of manifests: a JSON/YAML array, or a
 * Kubernetes `List` (kind `List` or `<Kind>List` with `items`).
 */
function unwrap(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(unwrap);
  if (
    isObject(value) &&
    Array.isArray(value.items) &&
    typeof value.kind === 'string' &&
    value.kind.endsWith('List')
  ) {
    return value.items.flatMap(unwrap);
  }
  return [value];
}

function lineOfJsonError(body: string, message: string): number | undefined {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  if (!position) return undefined;
  return body.slice(0, Number(position[1])).split('\n').length;
}

function parseJson(body: string): unknown[] {
  try {
    return unwrap(JSON.parse(body));
  } catch (e) {
    const message = String((e as { message?: unknown })?.message ?? e);
    const line = lineOfJsonError(body, message);
    throw new ManifestParseError(
      `Invalid JSON${line ? ` at line ${line}` : ''}: ${message}`,
      { document: 1, line },
    );
  }
}

function parseYaml(body: string): unknown[] {
  const out: unknown[] = [];
  parseAllDocuments(body, { merge: true }).forEach((doc, index) => {
    const number = index + 1;
    if ('errors' in doc && doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = error.linePos?.[0]?.line;
      // The library's message repeats the position and quotes the source.
      const reason = error.message
        .split('\n')[0]
        .replace(/ at line \d+, column \d+:?$/, '');
      throw new ManifestParseError(
        `Invalid YAML in document ${number}${
          line ? ` at line ${line}` : ''
        }: ${reason}`,
        { document: number, line },
      );
    }
    const value = doc.toJS();
    if (value === null || value === undefined) return; // empty document
    out.push(...unwrap(value));
  });
  return out;
}

/**
 * Parses a body of one or more manifests: YAML (documents separated by
 * `---`, empty ones skipped) or JSON (an object, an array of objects or a
 * Kubernetes List). JSON is chosen when the content type (or file name)
 * mentions json; YAML otherwise, which also reads JSON.
 *
 * @throws ManifestParseError naming the document and line of a syntax error.
 */
export function parseManifests(body: string, contentType?: string): unknown[] {
  if (contentType && /json/i.test(contentType)) return parseJson(body);
  return parseYaml(body);
}
