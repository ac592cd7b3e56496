import { stringify } from 'yaml';

/**
 * A manifest or a step's output as YAML, as `kubectl get -o yaml` shows
 * it. Long strings stay on one line so that copied values stay exact.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
