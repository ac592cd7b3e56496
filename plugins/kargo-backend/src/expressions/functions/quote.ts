import { compareGoStrings } from '@kargo-backstage/plugin-kargo-common';
import { stringify } from 'yaml';
import { fail } from '../errors';
import { goJSON, goQuote } from '../goFormat';
import { ExprObject, isMap } from '../values';

/*
 * Kargo's template functions. Like Kargo's, they return their text wrapped
 * in double quotes: a template result that starts and ends with `"` is
 * unwrapped and kept a string rather than read as a number, bool or JSON.
 */

function arg(name: string, args: unknown[]): unknown {
  if (args.length !== 1) fail(`${name}() takes 1 argument, not ${args.length}`);
  return args[0];
}

/** The data a value serializes as (ExprObjects as their JSON form). */
function plain(v: unknown): unknown {
  if (v instanceof ExprObject) return plain(v.toJSONValue());
  if (Array.isArray(v)) return v.map(plain);
  if (isMap(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** `unsafeQuote(v)`: the JSON of v between quotes (`"\"a\""` for a string). */
export function unsafeQuote(...args: unknown[]): string {
  return `"${goJSON(arg('unsafeQuote', args))}"`;
}

/** `quote(v)`: a string as Go's %q, anything else as unsafeQuote. */
export function quote(...args: unknown[]): string {
  const v = arg('quote', args);
  return typeof v === 'string' ? goQuote(v) : unsafeQuote(v);
}

/** `asYAML(v)`: YAML as Go's yaml.v3 writes it (sorted keys, 4 spaces). */
export function asYAML(...args: unknown[]): string {
  const text = stringify(plain(arg('asYAML', args)), {
    indent: 4,
    // yaml.v3 quotes strings YAML 1.1 would read as bools (yes, on, …).
    version: '1.1',
    lineWidth: 0,
    sortMapEntries: (a, b) =>
      compareGoStrings(
        String((a.key as any)?.value ?? a.key),
        String((b.key as any)?.value ?? b.key),
      ),
  });
  return `"${text}"`;
}

/** `asJSON(v)`: pretty-printed JSON with a trailing newline. */
export function asJSON(...args: unknown[]): string {
  return `"${goJSON(arg('asJSON', args), '  ')}\n"`;
}

/** The functions Kargo adds to every template evaluation. */
export const TEMPLATE_FUNCTIONS = Object.freeze({
  quote,
  unsafeQuote,
  asYAML,
  asJSON,
});
