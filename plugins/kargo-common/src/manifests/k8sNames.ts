/**
 * Kubernetes name rules (RFC 1123 labels/subdomains and qualified names), as
 * enforced by the API server for object names, namespaces, labels and
 * annotations. Each check returns a human message, or undefined when valid.
 */

const LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_RE =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export const DNS_LABEL_MAX = 63;
export const DNS_SUBDOMAIN_MAX = 253;

export const DNS_LABEL_MESSAGE =
  'must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
export const DNS_SUBDOMAIN_MESSAGE =
  'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';

export function checkDnsLabel(value: string): string | undefined {
  if (value.length > DNS_LABEL_MAX) {
    return `must be at most ${DNS_LABEL_MAX} characters (RFC 1123 label)`;
  }
  return LABEL_RE.test(value) ? undefined : DNS_LABEL_MESSAGE;
}

export function checkDnsSubdomain(value: string): string | undefined {
  if (value.length > DNS_SUBDOMAIN_MAX) {
    return `must be at most ${DNS_SUBDOMAIN_MAX} characters (RFC 1123 subdomain)`;
  }
  return SUBDOMAIN_RE.test(value) ? undefined : DNS_SUBDOMAIN_MESSAGE;
}

/** Matches the subdomain pattern only (some CRD fields set no max length). */
export function isDnsSubdomainPattern(value: string): boolean {
  return SUBDOMAIN_RE.test(value);
}

/** Label and annotation keys: `[prefix/]name`, prefix an RFC 1123 subdomain. */
export function checkQualifiedName(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) {
    return 'must be a qualified name: an optional DNS subdomain prefix and "/", then a name';
  }
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0] === '') return 'prefix must not be empty';
    const prefixProblem = checkDnsSubdomain(parts[0]);
    if (prefixProblem) return `prefix ${prefixProblem}`;
  }
  if (name === '') return 'name part must not be empty';
  if (name.length > DNS_LABEL_MAX) {
    return `name part must be at most ${DNS_LABEL_MAX} characters`;
  }
  if (!QUALIFIED_NAME_PART_RE.test(name)) {
    return 'name part must consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Label values: empty, or a name part of at most 63 characters. */
export function checkLabelValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > DNS_LABEL_MAX) {
    return `must be at most ${DNS_LABEL_MAX} characters`;
  }
  return QUALIFIED_NAME_PART_RE.test(value)
    ? undefined
    : 'must consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
}
