import { COLLECTION_BUILTINS } from './collections';
import { CONVERSION_BUILTINS } from './conversions';
import { NUMBER_BUILTINS } from './numbers';
import { STRING_BUILTINS } from './strings';
import { TIME_BUILTINS } from './time';
import type { Builtin } from './types';

export type { Builtin } from './types';
export { sortValues } from './collections';

/** expr-lang's builtins without predicates, by name. */
export const BUILTINS: Readonly<Record<string, Builtin>> = Object.freeze({
  ...STRING_BUILTINS,
  ...NUMBER_BUILTINS,
  ...COLLECTION_BUILTINS,
  ...CONVERSION_BUILTINS,
  ...TIME_BUILTINS,
});
