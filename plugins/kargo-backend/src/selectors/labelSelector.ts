/** A Kubernetes LabelSelector (ProjectConfig stage selectors, webhooks). */
export type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
};

/**
 * Kubernetes' rules: every matchLabels pair and every expression (In,
 * NotIn, Exists, DoesNotExist) must hold. `value` maps selector values
 * first (the generic webhook evaluates expressions in them).
 */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
  value: (v: string) => string = v => v,
): boolean {
  if (!selector) return true;
  for (const [key, expected] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value(expected)) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const values = (requirement.values ?? []).map(value);
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const label = labels[requirement.key];
    switch (requirement.operator) {
      case 'In':
        if (!has || !values.includes(label)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(label)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(
          `unsupported label selector operator ${JSON.stringify(
            requirement.operator,
          )}`,
        );
    }
  }
  return true;
}
