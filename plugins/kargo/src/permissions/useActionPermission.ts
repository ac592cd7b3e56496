import { useApi } from '@backstage/frontend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AsyncPermissionResult,
  permissionApiRef,
  usePermission,
} from '@backstage/plugin-permission-react';
import {
  kargoFreezeManagePermission,
  kargoFreightApprovePermission,
  kargoPromotionAbortPermission,
  kargoPromotionReviewPermission,
  kargoResourceManagePermission,
  kargoStagePromotePermission,
  kargoStageResourceRef,
  kargoWarehouseRefreshPermission,
} from '@kargo-backstage/plugin-kargo-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ACTION_PERMISSIONS, KargoAction } from './kargoActions';

/** Whether the user may take an action now, and if not, why. */
export type ActionDecision = { allowed: boolean; reason?: string };

/**
 * What an action acts on: a project, and the Stage for Stage actions
 * (actions needing only plain permissions need neither).
 */
export type PermissionTarget = { project?: string; stage?: string };

const CHECKING: ActionDecision = {
  allowed: false,
  reason: 'Checking your permissions…',
};

function lacks(permission: string, stage?: string): ActionDecision {
  return {
    allowed: false,
    reason: `You lack the ${permission} permission${
      stage ? ` on Stage ${stage}` : ''
    }`,
  };
}

function decisionOf(
  name: string,
  result: AsyncPermissionResult,
  stage?: string,
): ActionDecision {
  if (result.loading) return CHECKING;
  if (result.error) {
    return {
      allowed: false,
      reason: `Your permissions could not be checked: ${result.error.message}`,
    };
  }
  return result.allowed ? { allowed: true } : lacks(name, stage);
}

/**
 * The one place that decides whether the user may take `action` on the
 * target: allowed when every permission the backend checks for it is,
 * Stage permissions on that Stage.
 */
export function useActionPermission(
  action: KargoAction,
  target: PermissionTarget,
): ActionDecision {
  const needed = ACTION_PERMISSIONS[action];
  const ref =
    target.project && target.stage
      ? kargoStageResourceRef(target.project, target.stage)
      : undefined;
  // Hooks cannot be conditional: one per permission, always. A Stage
  // permission the action does not need gets no resource ref, which
  // usePermission answers locally (no request). Answers are shared between
  // buttons (SWR) and requests batched (DataLoader) by Backstage.
  const refIfNeeded = (permission: { name: string }) =>
    needed.some(p => p.name === permission.name) ? ref : undefined;
  const promote = usePermission({
    permission: kargoStagePromotePermission,
    resourceRef: refIfNeeded(kargoStagePromotePermission),
  });
  const approve = usePermission({
    permission: kargoFreightApprovePermission,
    resourceRef: refIfNeeded(kargoFreightApprovePermission),
  });
  const abort = usePermission({
    permission: kargoPromotionAbortPermission,
    resourceRef: refIfNeeded(kargoPromotionAbortPermission),
  });
  const review = usePermission({
    permission: kargoPromotionReviewPermission,
    resourceRef: refIfNeeded(kargoPromotionReviewPermission),
  });
  // Basic permissions: one request each for the whole page (cached).
  const refresh = usePermission({
    permission: kargoWarehouseRefreshPermission,
  });
  const manage = usePermission({
    permission: kargoResourceManagePermission,
  });
  const freeze = usePermission({
    permission: kargoFreezeManagePermission,
  });
  return useMemo(() => {
    const results: Record<string, AsyncPermissionResult> = {
      [kargoStagePromotePermission.name]: promote,
      [kargoFreightApprovePermission.name]: approve,
      [kargoPromotionAbortPermission.name]: abort,
      [kargoWarehouseRefreshPermission.name]: refresh,
      [kargoResourceManagePermission.name]: manage,
      [kargoPromotionReviewPermission.name]: review,
      [kargoFreezeManagePermission.name]: freeze,
    };
    const decisions = needed.map(p =>
      decisionOf(p.name, results[p.name], target.stage),
    );
    return decisions.find(d => !d.allowed) ?? { allowed: true };
  }, [
    needed,
    promote,
    approve,
    abort,
    refresh,
    manage,
    review,
    freeze,
    target.stage,
  ]);
}

/**
 * The same decision for an action on several Stages at once (promote
 * downstream: the backend checks every downstream Stage).
 */
export function useActionPermissionOnStages(
  action: KargoAction,
  project: string,
  stages: string[],
): ActionDecision {
  const permissionApi = useApi(permissionApiRef);
  const key = stages.join('\n');
  const { value, error } = useAsync(async () => {
    const checks = stages.flatMap(stage =>
      ACTION_PERMISSIONS[action].map(permission => ({ permission, stage })),
    );
    const answers = await Promise.all(
      checks.map(({ permission, stage }) =>
        permissionApi.authorize({
          permission,
          resourceRef: kargoStageResourceRef(project, stage),
        } as Parameters<typeof permissionApi.authorize>[0]),
      ),
    );
    const denied = answers.findIndex(a => a.result !== AuthorizeResult.ALLOW);
    return denied < 0
      ? { allowed: true }
      : lacks(checks[denied].permission.name, checks[denied].stage);
    // `key` stands for `stages`: a new array of the same names is the same.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [permissionApi, action, project, key]);
  if (error) {
    return {
      allowed: false,
      reason: `Your permissions could not be checked: ${error.message}`,
    };
  }
  return value ?? CHECKING;
}
