/** A Kubernetes LabelSelector as Kargo's Argo CD steps take one. */
export type AppSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }>;
};

// Kubernetes' label syntax: checking it here keeps the selector string
// unambiguous (no commas, spaces or parentheses can sneak in) and reports a
// typo before any request, as Kubernetes' own NewRequirement would.
const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function checkKey(key: string) {
  if (!LABEL_NAME.test(key)) {
    throw new Error(`invalid label key "${key}"`);
  }
}

function checkValue(key: string, value: string) {
  if (!LABEL_VALUE.test(value)) {
    throw new Error(`invalid value "${value}" for label "${key}"`);
  }
}

/**
 * The selector in the API server's query syntax (`labelSelector=`):
 * `k=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`, ANDed by commas.
 */
export function toLabelSelector(selector: AppSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (!labels.length && !expressions.length) {
    throw new Error('selector must have at least one match criterion');
  }
  const parts: string[] = [];
  for (const [key, value] of labels) {
    checkKey(key);
    checkValue(key, value);
    parts.push(`${key}=${value}`);
  }
  for (const { key, operator, values = [] } of expressions) {
    checkKey(key);
    values.forEach(value => checkValue(key, value));
    if (operator === 'In' || operator === 'NotIn') {
      if (!values.length) {
        throw new Error(
          `invalid matchExpression: for 'in', 'notin' operators, values set can't be empty (key "${key}")`,
        );
      }
      parts.push(
        `${key} ${operator === 'In' ? 'in' : 'notin'} (${values.join(',')})`,
      );
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length) {
        throw new Error(
          `invalid matchExpression: values set must be empty for exists and does not exist (key "${key}")`,
        );
      }
      parts.push(operator === 'Exists' ? key : `!${key}`);
    } else {
      throw new Error(`invalid operator: ${operator}`);
    }
  }
  return parts.join(',');
}
