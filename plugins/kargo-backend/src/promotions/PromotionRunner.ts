import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { parseDuration } from '@kargo-backstage/plugin-kargo-common';
import {
  PromotionFreightReference,
  PromotionStepResult,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  KargoStore,
  LeaseLostError,
  PromotionClaim,
  PromotionQueue,
  StoredResource,
  StageQueue,
} from '../database';
import { promotionBlockedBy } from '../stages/verification';
import { describeRejection, rejectionOf } from '../stages/freightAvailability';
import type { PromotionGate } from './PromotionGate';
import type { FreightCollection } from './freightCollection';
import { freightReference, nextCollection } from './freightCollection';
import type { StepSpec } from './inflateSteps';
import { CREATE_ACTOR_ANNOTATION } from './PromotionCreator';
import { markStagePromoting, recordPromotionOutcome } from './promotionOutcome';
import type {
  PromotionExpressions,
  StepScopeInput,
} from './PromotionExpressions';
import { StepLog } from './StepLog';
import type { StepRegistry } from './StepRegistry';
import { resolveInWorkDir } from './steps/workspace';
import { finalPhase, StepMeta, StepStatus } from './stepStatus';

/** Waits this short are slept through holding the claim (keeps the work dir). */
const MAX_IN_PROCESS_WAIT_MS = 15_000;
const DEFAULT_POLL_MS = 30_000;
/**
 * A step still running after this long has its start written to the
 * status (the portal shows it Running); a quicker one is written once, when
 * it ends. Crash safety does not depend on it: the step is marked in flight
 * in the queue (by the transaction that ended the step before it) before
 * it starts.
 */
const RUNNING_RECORD_DELAY_MS = 500;

export type PromotionRunnerOptions = {
  queue: PromotionQueue;
  /** For plain reads; every write goes through the queue's fenced transactions. */
  store: KargoStore;
  steps: StepRegistry;
  expressions: PromotionExpressions;
  /** Parent of every Promotion's work directory. */
  workRoot: string;
  owner: string;
  leaseMs: number;
  logger: LoggerService;
  clock?: () => number;
  /** Freezes and promotion windows: a queued Promotion waits while closed. */
  gate?: PromotionGate;
  /**
   * Told once a Promotion's terminal phase is committed (notifications).
   * Must not throw or wait: the engine does not wait for it.
   */
  onEnded?: (promotion: StoredResource, status: JsonObject) => void;
};

type State = {
  promotion: StoredResource;
  status: JsonObject & {
    stepExecutionMetadata: StepMeta[];
    state: Record<string, JsonObject>;
    currentStep: number;
  };
  steps: StepSpec[];
  /** The queue's in_flight_step as this run last wrote (or claimed) it. */
  inFlightStep?: number | null;
};

class Stop extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** How long a Promotion waiting for its Stage's verification sleeps. */
const GATE_RECHECK_MS = 2000;
/** The same while frozen or outside the promotion windows. */
const GATED_RECHECK_MS = 60_000;

/**
 * Runs one claimed Promotion from where it stands: step after step, every
 * start and outcome written (fenced by the claim) before moving on, so a
 * crash loses at most the step in flight — and the next run tells that
 * step it was interrupted. Holds the claim with a heartbeat, which also
 * carries abort requests from other instances.
 */
export class PromotionRunner {
  private readonly clock: () => number;

  constructor(private readonly options: PromotionRunnerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async run(claim: PromotionClaim, shutdown: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const onShutdown = () => controller.abort('shutdown');
    shutdown.addEventListener('abort', onShutdown, { once: true });
    // A claim taken while the engine was stopping is given back at once.
    if (shutdown.aborted) onShutdown();
    let abortedBy = claim.abortRequestedBy;
    const secrets = new Set<string>();
    const log = new StepLog(secrets, this.clock);
    const heartbeat = setInterval(async () => {
      try {
        const beat = await this.options.queue.heartbeat(
          claim,
          this.options.owner,
          this.options.leaseMs,
        );
        if (!beat.held) controller.abort('lease-lost');
        else if (beat.abortRequestedBy && !abortedBy) {
          abortedBy = beat.abortRequestedBy;
          controller.abort('aborted');
        }
      } catch (error) {
        this.options.logger.warn(
          `Promotion heartbeat failed: ${(error as Error).message}`,
        );
      }
    }, Math.max(200, Math.min(2000, Math.floor(this.options.leaseMs / 3))));
    try {
      await this.execute(
        claim,
        controller.signal,
        log,
        secrets,
        () => abortedBy,
      );
    } catch (error) {
      if (error instanceof LeaseLostError || error instanceof Stop) return;
      throw error;
    } finally {
      clearInterval(heartbeat);
      shutdown.removeEventListener('abort', onShutdown);
    }
  }

  /** A write that happens only while this instance holds the claim. */
  private fenced<T>(
    claim: PromotionClaim,
    log: StepLog,
    fn: (
      store: KargoStore,
      queue: PromotionQueue,
      stages: StageQueue,
    ) => Promise<T>,
  ): Promise<T> {
    return this.options.queue.transaction(async (store, queue, stages) => {
      const beat = await queue.heartbeat(
        claim,
        this.options.owner,
        this.options.leaseMs,
      );
      if (!beat.held) throw new LeaseLostError(claim.project, claim.name);
      const result = await fn(store, queue, stages);
      await queue.appendLogs(claim.project, claim.name, log.take());
      return result;
    });
  }

  private async load(claim: PromotionClaim): Promise<State | undefined> {
    const promotion = await this.options.store.getResource({
      kind: 'Promotion',
      project: claim.project,
      name: claim.name,
    });
    if (!promotion) return undefined;
    const status = promotion.status as State['status'];
    return {
      promotion,
      steps: (promotion.spec.steps ?? []) as StepSpec[],
      status: {
        ...status,
        stepExecutionMetadata: [
          ...((status.stepExecutionMetadata ?? []) as StepMeta[]),
        ],
        state: { ...((status.state ?? {}) as Record<string, JsonObject>) },
        currentStep: Number(status.currentStep ?? 0),
      },
    };
  }

  private async execute(
    claim: PromotionClaim,
    signal: AbortSignal,
    log: StepLog,
    secrets: Set<string>,
    abortedBy: () => string | undefined,
  ): Promise<void> {
    const loaded = await this.load(claim);
    if (!loaded) {
      await this.options.queue.update(claim, this.options.owner, {
        done: true,
      });
      return;
    }
    const s = loaded;
    s.inFlightStep = claim.inFlightStep;
    const { promotion } = s;
    const workDir = join(this.options.workRoot, promotion.uid);
    if (claim.previousOwner) {
      log.add(
        s.status.currentStep,
        `instance ${claim.previousOwner} stopped renewing its claim; ${this.options.owner} takes over`,
      );
    }

    if (abortedBy()) {
      await this.finish(claim, s, log, workDir, { aborted: abortedBy() });
      return;
    }
    let resumedStep = claim.inFlightStep;
    if (s.status.phase !== 'Running') {
      const started = await this.start(claim, s, log);
      if (!started) return;
      resumedStep = undefined;
    } else if (
      !(await exists(workDir)) &&
      (s.status.currentStep > 0 || resumedStep !== undefined)
    ) {
      log.add(
        0,
        'the work directory is gone (another instance or a cleaned disk): starting over from the first step; the steps find what earlier attempts already did',
      );
      s.status.currentStep = 0;
      s.status.stepExecutionMetadata = [];
      s.status.state = {};
      delete s.status.healthChecks;
      resumedStep = undefined;
    }
    await mkdir(workDir, { recursive: true });

    const collection = s.status.freightCollection as FreightCollection;
    const freight = Object.values(collection.items);
    const target = s.status.freight as PromotionFreightReference;

    while (s.status.currentStep < s.steps.length) {
      const index = s.status.currentStep;
      const outcome = await this.runStep(claim, s, index, {
        workDir,
        freight,
        target,
        log,
        secrets,
        signal,
        resumed: resumedStep === index,
      });
      resumedStep = undefined;
      if (outcome === 'released') return;
      if (outcome === 'aborted') {
        if (signal.reason === 'aborted') {
          await this.finish(claim, s, log, workDir, { aborted: abortedBy() });
        } else if (signal.reason === 'shutdown') {
          await this.fenced(claim, log, (_store, queue) =>
            queue.update(claim, this.options.owner, {
              release: { notBefore: 0 },
            }),
          );
        }
        throw new Stop();
      }
    }
    await this.finish(claim, s, log, workDir, {});
  }

  /**
   * Why a claimed Promotion ends before it starts: its Stage or Freight is
   * gone (Errored), or the Freight was rejected while it queued (Failed:
   * quarantine keeps it out of the Stage).
   */
  private cannotStart(
    s: State,
    stageName: string,
    stage: StoredResource | undefined,
    freight: StoredResource | undefined,
  ): { phase: string; message: string } | undefined {
    if (!stage) {
      return {
        phase: 'Errored',
        message: `Stage "${stageName}" no longer exists`,
      };
    }
    if (!freight) {
      return {
        phase: 'Errored',
        message: `Freight "${s.promotion.spec.freight}" no longer exists`,
      };
    }
    const rejection = rejectionOf(freight, stageName);
    if (!rejection) return undefined;
    return {
      phase: 'Failed',
      message: `Freight "${freight.alias ?? freight.name}" ${describeRejection(
        rejection,
      ).replace(/^it /, '')}`,
    };
  }

  /** Pending → Running: the Freight collection is fixed now. */
  private async start(
    claim: PromotionClaim,
    s: State,
    log: StepLog,
  ): Promise<boolean> {
    // Read before the fenced transaction (its own connection; SQLite has one).
    const gate = await this.options.gate?.check(claim.project, claim.stage);
    let endedEarly = false;
    const started = await this.fenced(
      claim,
      log,
      async (store, queue, stages) => {
        const stage = await store.getResource({
          kind: 'Stage',
          project: claim.project,
          name: claim.stage,
        });
        // A freeze or closed window outlasts a verification: say it first.
        const blocked =
          gate?.blockedBy || (stage ? promotionBlockedBy(stage) : undefined);
        if (blocked) {
          // Kargo: verification blocks the queue. The Stage's reconciliation
          // wakes the engine when it ends; the release is the fallback.
          const message = `waiting: ${blocked}`;
          if (s.status.message !== message) {
            s.status.message = message;
            await store.updateStatus(
              { kind: 'Promotion', project: claim.project, name: claim.name },
              s.status,
            );
          }
          // The Stage's next reconciliation wakes this Promotion as soon as
          // the gate is open (after this release: no wake-up is missed).
          await stages.touch([{ project: claim.project, name: claim.stage }]);
          // A freeze or closed window lasts: the Stage's reconciliation wakes
          // this Promotion when it lifts or opens; the release is the fallback.
          await queue.update(claim, this.options.owner, {
            release: {
              notBefore:
                this.clock() +
                (gate?.blockedBy ? GATED_RECHECK_MS : GATE_RECHECK_MS),
            },
          });
          return false;
        }
        const freight = await store.getFreight(
          claim.project,
          String(s.promotion.spec.freight),
        );
        const cannotStart = this.cannotStart(s, claim.stage, stage, freight);
        if (cannotStart || !stage || !freight) {
          Object.assign(s.status, cannotStart);
          s.status.finishedAt = new Date(this.clock()).toISOString();
          await store.updateStatus(
            { kind: 'Promotion', project: claim.project, name: claim.name },
            s.status,
          );
          await queue.update(claim, this.options.owner, { done: true });
          endedEarly = true;
          return false;
        }
        const target = freightReference(freight);
        Object.assign(s.status, {
          phase: 'Running',
          message: undefined,
          startedAt: new Date(this.clock()).toISOString(),
          freight: target,
          freightCollection: nextCollection(stage, target),
          currentStep: 0,
          stepExecutionMetadata: [],
          state: {},
        });
        delete s.status.message;
        delete s.status.healthChecks;
        await store.updateStatus(
          { kind: 'Promotion', project: claim.project, name: claim.name },
          s.status,
        );
        await markStagePromoting(
          store,
          stages,
          s.promotion,
          target as unknown as JsonObject,
        );
        if (s.steps.length) {
          await queue.update(claim, this.options.owner, { inFlightStep: 0 });
          s.inFlightStep = 0;
        }
        return true;
      },
    );
    if (endedEarly) this.ended(s);
    return started;
  }

  private ended(s: State) {
    this.options.onEnded?.(s.promotion, s.status);
  }

  private async runStep(
    claim: PromotionClaim,
    s: State,
    index: number,
    run: {
      workDir: string;
      freight: PromotionFreightReference[];
      target: PromotionFreightReference;
      log: StepLog;
      secrets: Set<string>;
      signal: AbortSignal;
      resumed: boolean;
    },
  ): Promise<'next' | 'released' | 'aborted'> {
    const step = s.steps[index];
    const alias = step.as ?? `step-${index}`;
    const metas = s.status.stepExecutionMetadata;
    const meta: StepMeta = metas[index] ?? { alias, errorCount: 0 };
    metas[index] = meta;
    if (step.continueOnError) meta.continueOnError = true;
    const { log } = run;
    const scopeInput: StepScopeInput = {
      project: claim.project,
      stage: claim.stage,
      promotion: s.promotion,
      actor: String(
        (s.promotion.metadata.annotations as JsonObject | undefined)?.[
          CREATE_ACTOR_ANNOTATION
        ] ?? '',
      ),
      step,
      alias,
      freight: run.freight,
      target: run.target,
      outputs: s.status.state,
      metas: metas.slice(0, index),
      onSecret: value => run.secrets.add(value),
    };
    const record = (
      changes: Partial<StepMeta>,
      queueChange: Parameters<PromotionQueue['update']>[2] = {},
    ) =>
      this.fenced(claim, log, async (store, queue) => {
        Object.assign(meta, changes);
        await store.updateStatus(
          { kind: 'Promotion', project: claim.project, name: claim.name },
          s.status,
        );
        if (Object.keys(queueChange).length) {
          await queue.update(claim, this.options.owner, queueChange);
        }
      });
    const conclude = async (
      status: StepStatus,
      message?: string,
      output?: JsonObject,
      healthCheck?: PromotionStepResult['healthCheck'],
    ) => {
      // Kargo's Promotion status.healthChecks: what succeeded steps ask the
      // Stage to keep checking once the Promotion is done.
      if (healthCheck && status === 'Succeeded') {
        s.status.healthChecks = [
          ...((s.status.healthChecks as JsonObject[] | undefined) ?? []),
          { uses: healthCheck.uses, config: healthCheck.config },
        ];
      }
      if (output) {
        s.status.state[alias] = log.maskValue(output);
        // A task hands its results to the template through compose-output:
        // `outputs.<task alias>.<key>`, as Kargo's task-level output.
        const [task, inner] = alias.split('::');
        if (inner && step.uses === 'compose-output') {
          s.status.state[task] = {
            ...s.status.state[task],
            ...s.status.state[alias],
          };
        }
      }
      s.status.currentStep = index + 1;
      const changes = {
        status,
        message: message ? log.mask(message) : undefined,
        finishedAt: new Date(this.clock()).toISOString(),
      };
      if (index + 1 === s.steps.length) {
        // finish() writes it with the final phase, in one transaction; a
        // crash in between runs this step again, told it was interrupted.
        Object.assign(meta, changes);
        return 'next' as const;
      }
      // The next step is about to start: mark it in flight now, in this
      // transaction, rather than in one of its own.
      await record(changes, { inFlightStep: index + 1 });
      s.inFlightStep = index + 1;
      return 'next' as const;
    };

    let scope;
    try {
      scope = await this.options.expressions.scopeFor(scopeInput);
      if (!meta.startedAt) {
        const runIt = await this.options.expressions.shouldRun(
          step,
          scope,
          metas.slice(0, index),
        );
        if (!runIt) return conclude('Skipped');
      }
    } catch (error) {
      return conclude(
        'Errored',
        `step "${alias}": ${(error as Error).message}`,
      );
    }

    const runner = step.uses ? this.options.steps.get(step.uses) : undefined;
    if (!runner) {
      return conclude(
        'Errored',
        `step "${alias}": no step runner for "${
          step.uses
        }" (known: ${this.options.steps.names().join(', ')})`,
      );
    }
    const timeoutMs =
      step.retry?.timeout !== undefined
        ? parseDuration(step.retry.timeout) ?? 0
        : runner.defaultTimeoutMs ?? 0;
    const threshold =
      step.retry?.errorThreshold || runner.defaultErrorThreshold || 1;

    for (let attempt = meta.errorCount + 1; ; attempt++) {
      if (run.signal.aborted) return 'aborted'; // finish() marks the step
      if (!meta.startedAt)
        meta.startedAt = new Date(this.clock()).toISOString();
      meta.status = 'Running';
      let config: JsonObject;
      try {
        config = (await this.options.expressions.evaluateConfig(
          step.config ?? {},
          scope,
        )) as JsonObject;
      } catch (error) {
        return conclude(
          'Errored',
          `step "${alias}" (${runner.name}): ${(error as Error).message}`,
        );
      }
      const problems = this.options.steps.validate(runner.name, config);
      if (problems.length) {
        return conclude(
          'Errored',
          `step "${alias}" (${runner.name}): invalid config: ${problems.join(
            '; ',
          )}`,
        );
      }
      if (s.inFlightStep !== index) {
        await record({}, { inFlightStep: index });
        s.inFlightStep = index;
      }
      const resumed = run.resumed && attempt === meta.errorCount + 1;
      if (resumed)
        log.add(
          index,
          'resuming: an earlier attempt of this step was interrupted',
        );
      const stepSignal = timeoutMs
        ? AbortSignal.any([
            run.signal,
            AbortSignal.timeout(Math.max(1, timeoutMs - this.elapsed(meta))),
          ])
        : run.signal;
      let result: PromotionStepResult | undefined;
      let error: unknown;
      let showRunning: Promise<void> | undefined;
      const progress = setTimeout(() => {
        // A lost lease surfaces at the step's own outcome.
        showRunning = record({}).catch(() => undefined);
      }, RUNNING_RECORD_DELAY_MS);
      try {
        result = await runner.run({
          project: claim.project,
          stage: claim.stage,
          promotion: claim.name,
          alias,
          targetFreight: run.target,
          freight: run.freight,
          config,
          workDir: run.workDir,
          resolvePath: path => resolveInWorkDir(run.workDir, path),
          evaluate: (expression, extra) =>
            this.options.expressions.evaluateSync(expression, scope, extra),
          attempt,
          resumed,
          previousOutput: s.status.state[alias],
          signal: stepSignal,
          log: message => log.add(index, message),
        });
      } catch (e) {
        error = e;
      } finally {
        clearTimeout(progress);
        await showRunning;
      }
      if (run.signal.aborted) return 'aborted'; // finish() marks the step
      const timedOut = timeoutMs > 0 && this.elapsed(meta) >= timeoutMs;

      if (result && result.status !== 'Running') {
        return conclude(
          result.status,
          result.message,
          result.output,
          result.healthCheck,
        );
      }
      if (result) {
        // Running: a polling step asks to be called again later.
        if (timedOut)
          return conclude(
            'Errored',
            `step "${alias}" (${runner.name}): timed out after ${
              step.retry?.timeout ?? `${timeoutMs} ms`
            }`,
          );
        if (result.output) s.status.state[alias] = log.maskValue(result.output);
        meta.message = result.message ? log.mask(result.message) : undefined;
        const wait = Math.max(1000, result.retryAfterMs ?? DEFAULT_POLL_MS);
        if (await this.waitOrRelease(wait, run.signal, record))
          return 'released';
        attempt = meta.errorCount; // polling does not count as an error
        continue;
      }
      const message = log.mask((error as Error)?.message ?? String(error));
      log.add(index, `error: ${message}`);
      if (error instanceof TerminalStepError) {
        return conclude(
          'Errored',
          `step "${alias}" (${runner.name}): ${message}`,
        );
      }
      meta.errorCount += 1;
      if (meta.errorCount >= threshold || timedOut) {
        return conclude(
          'Errored',
          `step "${alias}" (${runner.name}): ${
            timedOut ? `timed out after ${step.retry?.timeout}: ` : ''
          }${message}${
            meta.errorCount > 1 ? ` (after ${meta.errorCount} attempts)` : ''
          }`,
        );
      }
      meta.message = message;
      const backoff = Math.min(60_000, 1000 * 2 ** (meta.errorCount - 1));
      if (await this.waitOrRelease(backoff, run.signal, record))
        return 'released';
    }
  }

  private elapsed(meta: StepMeta): number {
    return meta.startedAt ? this.clock() - Date.parse(meta.startedAt) : 0;
  }

  /** Short waits keep the claim; long ones give it back until due. */
  private async waitOrRelease(
    ms: number,
    signal: AbortSignal,
    record: (
      c: Partial<StepMeta>,
      q?: Parameters<PromotionQueue['update']>[2],
    ) => Promise<void>,
  ): Promise<boolean> {
    if (ms <= MAX_IN_PROCESS_WAIT_MS) {
      await record({});
      await sleep(ms, signal);
      return false;
    }
    await record({}, { release: { notBefore: this.clock() + ms } });
    return true;
  }

  /** Terminal: the phase, the Stage and Freight, and the queue, at once. */
  private async finish(
    claim: PromotionClaim,
    s: State,
    log: StepLog,
    workDir: string,
    how: { aborted?: string },
  ) {
    const now = this.clock();
    const metas = s.status.stepExecutionMetadata;
    if (how.aborted !== undefined) {
      const current = metas[s.status.currentStep];
      if (current && !current.finishedAt) {
        current.status = 'Aborted';
        current.finishedAt = new Date(now).toISOString();
      }
      s.status.phase = 'Aborted';
      s.status.message = `aborted by ${how.aborted || 'an unknown user'}`;
    } else {
      const { phase, message } = finalPhase(metas);
      s.status.phase = phase;
      if (message) s.status.message = message;
      else delete s.status.message;
    }
    s.status.finishedAt = new Date(now).toISOString();
    await this.fenced(claim, log, async (store, queue, stages) => {
      await store.updateStatus(
        { kind: 'Promotion', project: claim.project, name: claim.name },
        s.status,
      );
      await recordPromotionOutcome(store, stages, s.promotion, s.status, now);
      await queue.update(claim, this.options.owner, { done: true });
    });
    this.ended(s);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
