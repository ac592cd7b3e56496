import type { JsonObject } from '@backstage/types';
import type { StageHealthChecker } from '@kargo-backstage/plugin-kargo-node';
import { randomUUID } from 'node:crypto';
import type {
  KargoStore,
  ResourceKey,
  StageQueue,
  StoredResource,
} from '../database';
import {
  downstreamStages,
  freightAvailability,
  isControlFlowStage,
  requestedFreightOf,
} from './freightAvailability';
import {
  asJson,
  Condition,
  healthyCondition,
  setCondition,
  verifiedCondition,
} from './stageConditions';
import type { PromotionRequest } from '../promotions/PromotionCreator';
import type { GateState, PromotionGate } from '../promotions/PromotionGate';
import { autoPromote } from './autoPromotion';
import { assessStageHealth, StageHealth } from './stageHealth';
import {
  ABORT_ANNOTATION,
  currentCollection,
  isTerminalVerification,
  promotionBlockedBy,
  REVERIFY_ANNOTATION,
  StageVerifier,
  updateOrPush,
  verificationRequest,
  VerificationInfo,
  VerifiedCollection,
} from './verification';

/** How often health is looked at again while it is not settled. */
const HEALTH_POLL_MS = 1000;
const HEALTHY_RECHECK_MS = 60_000;
/** Freight per origin a control-flow Stage looks at (newest first). */
const PASS_THROUGH_WINDOW = 100;

/**
 * Kargo's Stage reconciliation, one Stage at a time (the StageQueue's claim
 * makes sure): assess health from the checks the last Promotion registered,
 * run verification of the current Freight, and once it is healthy and
 * verified mark the Freight verified there, which makes it available
 * downstream. Control-flow Stages (no steps) verify what is available to
 * them at once. Returns when the Stage wants to be looked at again.
 */
export class StageReconciler {
  constructor(
    private readonly options: {
      store: KargoStore;
      stages: StageQueue;
      checker: (name: string) => StageHealthChecker | undefined;
      verifier: StageVerifier;
      /** Creates auto-promotions (as the promote endpoint does); none without. */
      promote?: (
        project: string,
        stage: string,
        request: PromotionRequest,
        actor: string,
      ) => Promise<StoredResource>;
      /** Told after each reconciliation that leaves the Stage's queue open. */
      onUnblocked?: (project: string, stage: string) => void;
      /** Freezes and promotion windows: shown on the Stage, stop auto-promotion. */
      gate?: PromotionGate;
      /**
       * Told once a verification of the Stage's Freight ends (written),
       * not when someone aborts it. Must not throw or wait.
       */
      onVerificationEnded?: (
        stage: StoredResource,
        info: VerificationInfo,
      ) => void;
      clock?: () => number;
    },
  ) {}

  private now() {
    return (this.options.clock ?? Date.now)();
  }

  async reconcile(
    project: string,
    name: string,
    signal: AbortSignal,
  ): Promise<number | undefined> {
    const { store } = this.options;
    const key: ResourceKey = { kind: 'Stage', project, name };
    const stage = await store.getResource(key);
    if (!stage) return undefined;
    if (isControlFlowStage(stage)) return this.passThrough(stage);

    const now = this.now();
    const lastName = (stage.status.lastPromotion as JsonObject | undefined)
      ?.name;
    const lastPromotion =
      typeof lastName === 'string'
        ? await store.getResource({
            kind: 'Promotion',
            project,
            name: lastName,
          })
        : undefined;
    const health = await assessStageHealth({
      stage,
      lastPromotion,
      checker: this.options.checker,
      signal,
    });
    const assessed = { ...stage, status: { ...stage.status, health } };
    const verification = await this.verify(assessed, now, signal);
    const gate = await this.options.gate?.check(project, name, now);
    const written = await store.updateStatusWith(key, current =>
      withFields(
        withStageStatus(current, health, verification, now),
        gate ? gateStatus(gate) : {},
      ),
    );

    if (verification.ended && verification.info && !verification.aborted) {
      this.options.onVerificationEnded?.(written, verification.info);
    }
    await this.markFreightVerified(written, now);
    if (!promotionBlockedBy(written) && !gate?.blockedBy) {
      this.options.onUnblocked?.(project, name);
    }
    let nextAt = verification.nextAt;
    // The schedule opens or closes: look again then (auto-promotion waits).
    for (const change of [gate?.windows.nextOpen, gate?.windows.nextClose]) {
      if (change) nextAt = Math.min(nextAt ?? Infinity, Date.parse(change));
    }
    if (this.options.promote && !gate?.blockedBy) {
      const auto = await autoPromote({
        store,
        stage: written,
        promote: this.options.promote,
        now,
      });
      await store.updateStatusWith(key, current =>
        withFields(current.status, auto.status),
      );
      if (auto.nextAt !== undefined) {
        nextAt = Math.min(nextAt ?? Infinity, auto.nextAt);
      }
    }
    // Checks ran: look again soon while they are not settled, and now and
    // then while healthy (an application can degrade).
    if (health.config) {
      const again =
        health.status === 'Healthy' || health.status === 'NotApplicable'
          ? HEALTHY_RECHECK_MS
          : HEALTH_POLL_MS;
      nextAt = Math.min(nextAt ?? Infinity, now + again);
    }
    return nextAt;
  }

  /** Kargo's verifyStageFreight for the current Freight collection. */
  private async verify(
    stage: StoredResource,
    now: number,
    signal: AbortSignal,
  ): Promise<{
    collectionId?: string;
    info?: VerificationInfo;
    nextAt?: number;
    ended?: boolean;
    /** Ended because someone aborted it. */
    aborted?: boolean;
  }> {
    const current = currentCollection(stage);
    if (!current || stage.status.currentPromotion) return {};
    const { verifier } = this.options;
    const last = current.verificationHistory?.[0];
    const id = current.id;
    if (last && !isTerminalVerification(last.phase)) {
      const abort = verificationRequest(stage, ABORT_ANNOTATION);
      if (abort?.id === last.id) {
        const info = await verifier.abort({
          stage,
          info: last,
          actor: abort.actor,
          now,
        });
        return { collectionId: id, info, ended: true, aborted: true };
      }
      const advanced = await verifier.advance({
        stage,
        collection: current,
        info: last,
        now,
        signal,
      });
      return {
        collectionId: id,
        ...advanced,
        ended: isTerminalVerification(advanced.info.phase),
      };
    }
    const reverify = verificationRequest(stage, REVERIFY_ANNOTATION);
    if (last && reverify?.id !== last.id) return {};
    const health = (stage.status.health as StageHealth).status;
    if (health !== 'Healthy') return {};
    if (!stage.spec.verification) {
      const at = new Date(now).toISOString();
      return {
        collectionId: id,
        info: {
          id: randomUUID(),
          ...(reverify?.actor ? { actor: reverify.actor } : {}),
          startTime: at,
          finishTime: at,
          phase: 'Successful',
        },
        ended: true,
      };
    }
    const started = await verifier.start({
      stage,
      collection: current,
      actor: reverify?.actor,
      now,
    });
    return {
      collectionId: id,
      ...started,
      ended: isTerminalVerification(started.info.phase),
    };
  }

  /**
   * Kargo's markFreightVerifiedForStage: healthy, and the latest
   * verification of the current Freight succeeded. Returns whether any
   * Freight became verified here (its downstream Stages are then due).
   */
  private async markFreightVerified(
    stage: StoredResource,
    now: number,
  ): Promise<boolean> {
    const health = (stage.status.health as StageHealth | undefined)?.status;
    const current = currentCollection(stage);
    const history = current?.verificationHistory ?? [];
    if (
      health !== 'Healthy' ||
      !current ||
      !history.length ||
      history.some(v => !isTerminalVerification(v.phase)) ||
      history[0].phase !== 'Successful'
    ) {
      return false;
    }
    const names = Object.values(current.items).map(i => i.name);
    const added = await this.addVerifiedIn(stage, names, now);
    if (added) await this.touchDownstream(stage);
    return added;
  }

  private async addVerifiedIn(
    stage: StoredResource,
    names: string[],
    now: number,
  ): Promise<boolean> {
    let added = false;
    for (const name of [...names].sort()) {
      const freight = await this.options.store.getFreight(stage.project, name);
      if (!freight || (freight.status.verifiedIn as JsonObject)?.[stage.name]) {
        continue;
      }
      // updateStatusWith serialises the many Stages verifying one Freight.
      await this.options.store.updateStatusWith(
        { kind: 'Freight', project: stage.project, name: freight.name },
        f => ({
          ...f.status,
          verifiedIn: {
            ...(f.status.verifiedIn as JsonObject),
            [stage.name]: (f.status.verifiedIn as JsonObject)?.[stage.name] ?? {
              verifiedAt: new Date(now).toISOString(),
            },
          },
        }),
      );
      added = true;
    }
    return added;
  }

  /**
   * A control-flow Stage: whatever is available to it is verified there at
   * once (Kargo), so it flows on downstream. Due again when soaking Freight
   * becomes available.
   */
  private async passThrough(
    stage: StoredResource,
  ): Promise<number | undefined> {
    const now = this.now();
    const requested = requestedFreightOf(stage);
    const available: string[] = [];
    let nextAt: number | undefined;
    for (const origin of new Set(requested.map(r => r.origin.name))) {
      const page = await this.options.store.listResources({
        kind: 'Freight',
        project: stage.project,
        origins: [origin],
        order: 'newest',
        limit: PASS_THROUGH_WINDOW,
      });
      for (const freight of page.items) {
        if ((freight.status.verifiedIn as JsonObject)?.[stage.name]) continue;
        const a = freightAvailability(freight, stage.name, requested, now);
        if (a.available) available.push(freight.name);
        else if (a.availableAt !== undefined) {
          nextAt = Math.min(nextAt ?? Infinity, a.availableAt);
        }
      }
    }
    if (await this.addVerifiedIn(stage, available, now)) {
      await this.touchDownstream(stage);
    }
    return nextAt;
  }

  /** Stages taking Freight from this one: what they may take changed. */
  private async touchDownstream(stage: StoredResource) {
    const downstream = await downstreamStages(
      this.options.store,
      stage.project,
      stage.name,
    );
    await this.options.stages.touch(
      downstream.map(s => ({ project: s.project, name: s.name })),
    );
  }
}

/**
 * What the Stage shows of its gate: Kargo's advisory
 * `promotionWindowStatus` (while there is something to say), and the
 * freeze in force.
 */
function gateStatus(gate: GateState): JsonObject {
  const { windows } = gate;
  const [freeze] = gate.freezes;
  return {
    promotionWindowStatus:
      windows.closed || windows.nextClose
        ? (windows as unknown as JsonObject)
        : null,
    freeze: freeze ? (freeze as unknown as JsonObject) : null,
    // Every freeze in force (the project's first): the Stage's own one
    // stays visible while the whole project is frozen too.
    freezes: gate.freezes.length
      ? (gate.freezes as unknown as JsonObject[])
      : null,
  };
}

/** Status with some fields set, and those given as null removed. */
function withFields(status: JsonObject, fields: JsonObject): JsonObject {
  const next: JsonObject = { ...status };
  for (const [field, value] of Object.entries(fields)) {
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return next;
}

/** The Stage status with this reconciliation's health and verification. */
function withStageStatus(
  current: StoredResource,
  health: StageHealth,
  verification: { collectionId?: string; info?: VerificationInfo },
  now: number,
): JsonObject {
  const status: JsonObject = { ...current.status };
  const history = ((status.freightHistory ?? []) as VerifiedCollection[]).map(
    c =>
      verification.info && c.id === verification.collectionId
        ? {
            ...c,
            verificationHistory: updateOrPush(
              c.verificationHistory,
              verification.info,
            ),
          }
        : c,
  );
  if (history.length)
    status.freightHistory = history as unknown as JsonObject[];
  const { reason: _reason, ...shown } = health;
  status.health = shown as unknown as JsonObject;
  let conditions = status.conditions as Condition[] | undefined;
  conditions = setCondition(conditions, healthyCondition(health), now);
  conditions = setCondition(
    conditions,
    verifiedCondition(history[0]?.verificationHistory, history.length > 0),
    now,
  );
  status.conditions = asJson(conditions);
  return status;
}
