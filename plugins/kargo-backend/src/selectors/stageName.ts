import { compileGoRegex } from '@kargo-backstage/plugin-kargo-common';
import { globToRegExp } from '../warehouses/discovery/git/patterns';

/**
 * Kargo's Stage name patterns (ProjectConfig stage selectors, promotion
 * windows, permission rules): the exact name, `glob:<pattern>`, or
 * `regex:<Go regexp>` (also `regexp:`).
 */
export function matchesStageName(pattern: string, name: string): boolean {
  if (pattern.startsWith('glob:')) {
    return globToRegExp(pattern.slice('glob:'.length)).test(name);
  }
  for (const prefix of ['regex:', 'regexp:']) {
    if (pattern.startsWith(prefix)) {
      return compileGoRegex(pattern.slice(prefix.length)).test(name);
    }
  }
  return pattern === name;
}
