import type { JsonObject } from '@backstage/types';

/** Who may approve: any of these (entity refs), or the linked owners. */
export type Approvers = {
  users?: string[];
  groups?: string[];
  /** The owners of the catalog entities linked to the project. */
  owners?: boolean;
};

/**
 * What a waiting `wait-for-approval` step asks for, kept as its output
 * while it runs: the portal shows it, and the review routes check reviews
 * against it (the config as evaluated, expressions included).
 */
export type ApprovalRequest = {
  minApprovals: number;
  approvers: Approvers;
  forbidRequester: boolean;
  /** Who created the Promotion (Kargo's create-actor). */
  requestedBy?: string;
  message?: string;
  /** Reviewers who approved so far. */
  approvedBy: string[];
};

/** The step's config as its schema admits it, with defaults. */
export function approvalRequestOf(
  config: JsonObject,
  requestedBy: string | undefined,
  approvedBy: string[],
): ApprovalRequest {
  return {
    minApprovals: (config.minApprovals as number | undefined) ?? 1,
    approvers: config.approvers as Approvers,
    forbidRequester: (config.forbidRequester as boolean | undefined) ?? false,
    ...(requestedBy ? { requestedBy } : {}),
    ...(typeof config.message === 'string' ? { message: config.message } : {}),
    approvedBy,
  };
}

/** Whether someone with these ownership claims may review. */
export function mayReview(
  request: ApprovalRequest,
  reviewer: { userEntityRef: string; claims: string[] },
  linkedOwners: string[],
): { ok: true } | { ok: false; reason: string } {
  if (
    request.forbidRequester &&
    reviewer.userEntityRef === request.requestedBy
  ) {
    return {
      ok: false,
      reason: `${reviewer.userEntityRef} requested this Promotion and may not approve or reject it (forbidRequester)`,
    };
  }
  const { users = [], groups = [], owners } = request.approvers;
  const claims = new Set(reviewer.claims);
  const eligible =
    users.includes(reviewer.userEntityRef) ||
    groups.some(g => claims.has(g)) ||
    (owners === true && linkedOwners.some(o => claims.has(o)));
  if (eligible) return { ok: true };
  const who = [
    ...users,
    ...groups.map(g => `members of ${g}`),
    ...(owners ? ['owners of the linked catalog entities'] : []),
  ];
  return {
    ok: false,
    reason: `${
      reviewer.userEntityRef
    } is not an approver of this step (approvers: ${who.join(', ')})`,
  };
}
