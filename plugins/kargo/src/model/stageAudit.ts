import type { StageAuditEntry } from '@kargo-backstage/plugin-kargo-common';

/** Names a piece of Freight for people: `calm-fox (guestbook@1111111)`. */
export type FreightNamer = (name: string) => string;

/** `incident 42` of a freeze's `Stage: incident 42` or `project: …`. */
function describeFreezeDetail(detail: string | undefined): string {
  if (!detail) return 'froze';
  const [scope, ...rest] = detail.split(': ');
  const reason = rest.join(': ');
  if (scope === 'Stage' && reason) return `froze this Stage: ${reason}`;
  if (scope === 'project' && reason) return `froze the project: ${reason}`;
  return `froze: ${detail}`;
}

const withDetail = (text: string, detail: string | undefined) =>
  detail ? `${text}: ${detail}` : text;

/**
 * What an audit entry says happened, in words:
 * `promoted calm-fox (guestbook@1111111) — Succeeded`,
 * `approved Freight calm-fox (…) for this Stage`, `froze this Stage: incident`.
 */
export function describeAuditEntry(
  entry: StageAuditEntry,
  freightName: FreightNamer,
): string {
  const freight = entry.freight ? freightName(entry.freight) : 'Freight';
  switch (entry.action) {
    case 'promoted':
      return `promoted ${freight}${entry.outcome ? ` — ${entry.outcome}` : ''}`;
    case 'approved-promotion':
      return withDetail(`approved Promotion ${entry.promotion}`, entry.detail);
    case 'rejected-promotion':
      return withDetail(`rejected Promotion ${entry.promotion}`, entry.detail);
    case 'approved-freight':
      return `approved Freight ${freight} for this Stage`;
    case 'rejected-freight':
      return withDetail(`rejected Freight ${freight}`, entry.detail);
    case 'froze':
      return describeFreezeDetail(entry.detail);
    default:
      // An action this UI does not know yet: say what the server said.
      return withDetail(
        [entry.action, entry.promotion ?? entry.freight].join(' '),
        entry.outcome ?? entry.detail,
      );
  }
}
