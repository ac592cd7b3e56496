import { compileGoRegex } from '@kargo-backstage/plugin-kargo-common';
import { globToRegExp } from '../warehouses/discovery/git/patterns';
import { type LabelSelector, matchesLabelSelector } from './labelSelector';

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

/** Kargo's PromotionPolicySelector: a name pattern and labels, ANDed. */
export type NameOrLabelSelector = LabelSelector & { name?: string };

/**
 * Whether a selector matches a Stage (or Project): the name pattern, if
 * given, and the labels must both match. An absent selector matches all.
 */
export function matchesNameOrLabelSelector(
  selector: NameOrLabelSelector | undefined,
  target: { name: string; labels?: Record<string, string> },
): boolean {
  if (!selector) return true;
  if (
    selector.name !== undefined &&
    !matchesStageName(selector.name, target.name)
  ) {
    return false;
  }
  return matchesLabelSelector(selector, target.labels ?? {});
}
