/**
 * Commit-message fragments as Kargo's *-update steps write them:
 *
 *     Updated path/to/values.yaml
 *
 *     - image.tag: v1.2.3
 *     - replicas: 3
 *
 * A later git-commit step usually joins these fragments into its message.
 */
export function updateCommitMessage(
  path: string,
  entries: Array<{ key: string; text: string }>,
): string {
  return `Updated ${path}\n${entries
    .map(e => `\n- ${e.key}: ${e.text}`)
    .join('')}`;
}

const GO_BOOL = new Set([
  '1',
  't',
  'T',
  'TRUE',
  'true',
  'True',
  '0',
  'f',
  'F',
  'FALSE',
  'false',
  'False',
]);
const GO_FLOAT =
  /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * yaml-update: strings a reader could take for a number, a bool or JSON
 * are shown quoted (`"42"`), everything else as is.
 */
export function yamlCommitValue(value: unknown): string {
  if (typeof value !== 'string') return plain(value);
  if (GO_FLOAT.test(value) || GO_BOOL.has(value) || isJson(value)) {
    return JSON.stringify(value);
  }
  return value;
}

/** json-update: strings are always quoted, other values shown as is. */
export function jsonCommitValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : plain(value);
}

/**
 * toml-update: the value as TOML writes it; strings as literal strings
 * ('...') when they can be, else as basic strings ("...").
 */
export function tomlCommitValue(
  value: unknown,
  writtenAsFloat: boolean,
): string {
  if (typeof value === 'string') {
    // eslint-disable-next-line no-control-regex
    return /['\u0000-\u001f\u007f]/.test(value)
      ? JSON.stringify(value)
      : `'${value}'`;
  }
  if (typeof value === 'number' && writtenAsFloat && Number.isInteger(value)) {
    return `${value}.0`;
  }
  return plain(value);
}
