import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  KARGO_STAGE_RESOURCE_TYPE,
  kargoStageResourceRef,
} from '@kargo-backstage/plugin-kargo-common';
import type { JsonObject } from '@backstage/types';
import type { Request } from 'express';
import { withAuditEvent } from './withAuditEvent';

/** A plain permission, or a Stage permission on one Stage. */
export type PermissionCheck =
  | BasicPermission
  | {
      permission: ResourcePermission<typeof KARGO_STAGE_RESOURCE_TYPE>;
      resourceRef: string;
    };

/** A permission on one Stage (`<project>:<stage>`). */
export function onStage(
  permission: ResourcePermission<typeof KARGO_STAGE_RESOURCE_TYPE>,
  project: string,
  stage: string,
): PermissionCheck {
  return { permission, resourceRef: kargoStageResourceRef(project, stage) };
}

/**
 * Who asks for a change, and through what: an HTTP request of the API, or
 * an action of Backstage's actions registry (which has no request to give
 * the auditor, so the audit event names the caller itself).
 */
export type Caller =
  | { credentials: BackstageCredentials; request: Request }
  | { credentials: BackstageCredentials; action: string };

/** Kargo's actor string for the caller: their entity ref, or the service. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return (
    principal.userEntityRef ??
    `${principal.type}:${principal.subject ?? 'unknown'}`
  );
}

/**
 * Permission checks and auditing of everything the API and the actions
 * registry do: one implementation, so both paths decide and record alike.
 */
export class KargoAccess {
  constructor(
    private readonly permissions: PermissionsService,
    private readonly auditor: AuditorService,
  ) {}

  /** Whether each check is allowed (Stage permissions per Stage). */
  async allowed(
    credentials: BackstageCredentials,
    ...checks: PermissionCheck[]
  ): Promise<boolean[]> {
    if (!checks.length) return [];
    const decisions = await this.permissions.authorize(
      checks.map(c =>
        'resourceRef' in c ? c : { permission: c as BasicPermission },
      ),
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }

  /**
   * Each permission, per Stage for Stage permissions, so that policies can
   * decide by project, name, labels or ownership; NotAllowedError if one
   * is denied.
   */
  async authorize(
    credentials: BackstageCredentials,
    ...checks: PermissionCheck[]
  ): Promise<void> {
    const allowed = await this.allowed(credentials, ...checks);
    const denied = checks.find((_, i) => !allowed[i]);
    if (!denied) return;
    throw new NotAllowedError(
      'resourceRef' in denied
        ? `You are not allowed to do this to Stage "${denied.resourceRef}" (${denied.permission.name})`
        : `You are not allowed to do this (${denied.name})`,
    );
  }

  /**
   * Every state change: audited (who, when, what, and whether it was
   * allowed and worked), then permission-checked, then done.
   */
  async audited<T>(
    caller: Caller,
    event: { eventId: string; permission: PermissionCheck[]; meta: JsonObject },
    act: () => Promise<T>,
    outcome: (result: T) => JsonObject,
  ): Promise<T> {
    return withAuditEvent(
      this.auditor,
      {
        eventId: event.eventId,
        severityLevel: 'medium',
        ...('request' in caller
          ? { request: caller.request, meta: event.meta }
          : {
              // Without a request the auditor would name the plugin itself.
              meta: {
                ...event.meta,
                actor: actorOf(caller.credentials),
                action: caller.action,
              },
            }),
      },
      async () => {
        await this.authorize(caller.credentials, ...event.permission);
        return act();
      },
      outcome,
    );
  }
}
