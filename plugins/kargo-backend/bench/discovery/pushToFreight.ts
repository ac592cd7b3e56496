/**
 * Figure: push-to-Freight latency through a registry notification. The real
 * plugin (SQLite file) receives the notifications of a real `docker-registry`
 * at /api/kargo/webhooks/registry/events; a Warehouse subscribed (SemVer) to
 * one repository there gets a new tag, PUT through the distribution API, and
 * the clock runs from the PUT's answer until the Freight holding that tag is
 * in the store. Baseline, interleaved push by push: a second, identical
 * registry without notifications, a second Warehouse subscribed to it, and
 * the plugin's refresh endpoint called right after the PUT (the same
 * discovery and Freight creation, without notification delivery).
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { startTestRegistry } from '../../src/warehouses/discovery/registry/__testUtils__/testRegistry';
import { startBenchBackend } from '../backend';
import type { DatabaseProvider } from '../databases';
import { now, percentile } from '../measure';
import { benchImageBlobs, BenchImageBlobs, putManifest } from './registry';
import type { DiscoveryFigure, Log } from './types';

export type PushOptions = {
  /** Measured pushes per path. */
  pushes: number;
  /** Unmeasured pushes per path first (JIT, connections, caches). */
  warmups: number;
  /** Longest wait for one push's Freight. */
  perPushTimeoutMs: number;
};

const REPO = 'kargo-bench/push';
const CONSTRAINT = '^1.0.0';
const TARGET_P50_MS = 250;
/** kargo.registries.rateLimit: far above what one discovery asks for. */
const RATE_LIMIT = 10_000;
/** How often the harness looks for the Freight. */
const POLL_MS = 2;
/** After this many pushes without Freight in time the figure stops (PARTIAL). */
const MAX_MISSES = 3;
const NOTIFY = 'push-notify';
const REFRESH = 'push-refresh';
/** The notification endpoint's delivery settings (distribution 2.8). */
const DELIVERY = { timeout: '2s', threshold: 1, backoff: '100ms' };

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

type Registry = { host: string; stop(): Promise<void> };

/** A private registry whose notifications go to `endpoint` with the token. */
function startNotifyingRegistry(
  endpoint: string,
  token: string,
): Promise<Registry> {
  return startTestRegistry({
    notifications: { url: endpoint, token, ...DELIVERY },
  });
}

function pipelineYaml(notifyHost: string, refreshHost: string) {
  const warehouse = (project: string, host: string) => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: ${project} }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: ${project} }
spec:
  subscriptions:
    - image:
        repoURL: ${host}/${REPO}
        imageSelectionStrategy: SemVer
        constraint: '${CONSTRAINT}'
`;
  return warehouse(NOTIFY, notifyHost) + warehouse(REFRESH, refreshHost);
}

/** The Freight of `project` holding `tag`, straight from the store's table. */
async function hasFreight(knex: Knex, project: string, tag: string) {
  const row = await knex('kargo_resources')
    .where({ kind: 'Freight', project })
    .andWhere('spec', 'like', `%"tag":"${tag}"%`)
    .first('name');
  return !!row;
}

type Push = {
  /** PUT answered → Freight in the store, ms (hrtime). */
  ms: number;
  /** The manifest PUT itself, ms. */
  putMs: number;
};

export async function pushToFreightFigure(
  provider: DatabaseProvider,
  options: PushOptions,
  log: Log,
): Promise<{ figure: DiscoveryFigure; notes: string[] }> {
  const token = randomBytes(24).toString('hex');
  const db = await provider.open('push_to_freight');
  const stops: Array<() => Promise<void>> = [() => db.dispose()];
  try {
    const backend = await startBenchBackend(db.knex, [], {
      kargo: {
        webhooks: { registryNotifications: { token } },
        warehouses: { minReconciliationInterval: '1h' },
        registries: { rateLimit: RATE_LIMIT },
      },
    });
    stops.unshift(() => backend.stop());
    const notifying = await startNotifyingRegistry(
      `${backend.baseUrl}/webhooks/registry/events`,
      token,
    );
    stops.unshift(() => notifying.stop());
    const plain = await startTestRegistry({});
    stops.unshift(() => plain.stop());
    log(
      `push-to-Freight: plugin at ${backend.baseUrl}, notifying registry ${notifying.host}, plain registry ${plain.host}`,
    );

    const blobs: Record<string, BenchImageBlobs> = {
      [notifying.host]: await benchImageBlobs(notifying.host, REPO),
      [plain.host]: await benchImageBlobs(plain.host, REPO),
    };
    for (const host of [notifying.host, plain.host]) {
      await putManifest(host, REPO, '1.0.0', blobs[host]);
    }
    const applied = await fetch(`${backend.baseUrl}/v1beta1/resources`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: pipelineYaml(notifying.host, plain.host),
    });
    if (applied.status !== 201) {
      throw new Error(
        `apply: ${applied.status} ${(await applied.text()).slice(0, 500)}`,
      );
    }
    await applied.body?.cancel();

    const refresh = async (project: string) => {
      const res = await fetch(
        `${backend.baseUrl}/v1beta1/projects/${project}/warehouses/app/refresh`,
        { method: 'POST' },
      );
      await res.body?.cancel();
      if (res.status !== 200) {
        throw new Error(`refresh ${project}/app: ${res.status}`);
      }
    };
    /** Resolves when the Freight exists; false after `timeoutMs`. */
    const freightAppears = async (
      project: string,
      tag: string,
      timeoutMs: number,
    ) => {
      const deadline = now() + timeoutMs;
      while (now() < deadline) {
        if (await hasFreight(db.knex, project, tag)) return true;
        await sleep(POLL_MS);
      }
      return false;
    };
    const queueRow = (project: string) =>
      db
        .knex('kargo_discovery_queue')
        .where({ project, name: 'app' })
        .first('owner', 'next_check_at');
    /**
     * Until neither Warehouse is being discovered or due (a refresh that
     * arrived during a discovery makes it due again at once): each push
     * starts from a quiet plugin. Answers whether it had to wait.
     */
    let extraDiscoveries = 0;
    const settle = async () => {
      let waited = false;
      for (let i = 0; i < 1000; i++) {
        const rows = await Promise.all([queueRow(NOTIFY), queueRow(REFRESH)]);
        const busy = rows.some(
          r => !r || r.owner !== null || Number(r.next_check_at) <= Date.now(),
        );
        if (!busy) break;
        waited = true;
        await sleep(POLL_MS);
      }
      if (waited) extraDiscoveries++;
    };

    // The first discovery of each Warehouse (1.0.0), not measured.
    await refresh(NOTIFY);
    await refresh(REFRESH);
    for (const project of [NOTIFY, REFRESH]) {
      if (!(await freightAppears(project, '1.0.0', 30_000))) {
        throw new Error(`no Freight for 1.0.0 in ${project} after 30 s`);
      }
    }
    extraDiscoveries = 0;

    const pushOnce = async (
      project: string,
      host: string,
      tag: string,
      viaRefresh: boolean,
    ): Promise<Push | undefined> => {
      await settle();
      const putStart = now();
      await putManifest(host, REPO, tag, blobs[host]);
      const start = now();
      if (viaRefresh) await refresh(project);
      const found = await freightAppears(
        project,
        tag,
        options.perPushTimeoutMs,
      );
      const ms = now() - start;
      if (!found) return undefined;
      return { ms, putMs: start - putStart };
    };

    const total = options.warmups + options.pushes;
    log(
      `push-to-Freight: ${total} pushes per path (${options.warmups} warm-up), notification and refresh interleaved`,
    );
    const viaNotification: Push[] = [];
    const viaRefresh: Push[] = [];
    let misses = 0;
    let missesRefresh = 0;
    const started = now();
    for (let i = 1; i <= total && misses + missesRefresh < MAX_MISSES; i++) {
      const tag = `1.0.${i}`;
      const n = await pushOnce(NOTIFY, notifying.host, tag, false);
      if (!n) misses++;
      const r = await pushOnce(REFRESH, plain.host, tag, true);
      if (!r) missesRefresh++;
      if (i > options.warmups) {
        if (n) viaNotification.push(n);
        if (r) viaRefresh.push(r);
      }
    }
    const seconds = (now() - started) / 1000;
    const partial =
      viaNotification.length < options.pushes ||
      viaRefresh.length < options.pushes;

    const ms = (p: Push[]) => p.map(x => x.ms);
    const p50 = percentile(ms(viaNotification), 50);
    const p50Refresh = percentile(ms(viaRefresh), 50);
    const list = (v: number[]) => v.map(x => x.toFixed(0)).join(', ');
    const notes = [
      `push-to-Freight setup: ${
        options.pushes
      } measured pushes per path after ${
        options.warmups
      } warm-up ones, in ${seconds.toFixed(
        1,
      )} s; the real plugin (startBenchBackend, SQLite file) with kargo.webhooks.registryNotifications.token set, kargo.warehouses.minReconciliationInterval 1h (only refreshes start discoveries) and kargo.registries.rateLimit ${RATE_LIMIT} req/s (default 20 with a burst of 40: one discovery here makes ~22 requests — the tag list, a manifest HEAD per tag up to discoveryLimit 20, a GET of the new manifest — so at the default, a push every 50 ms, as here, would soon wait for the limiter); concurrency 4 (default)`,
      `push-to-Freight registries: two private \`docker-registry serve\` (distribution 2.8) on 127.0.0.1, filesystem storage; the notifying one has notifications.endpoints[kargo] → ${backend.baseUrl}/webhooks/registry/events with the bearer token, timeout ${DELIVERY.timeout}, threshold ${DELIVERY.threshold}, backoff ${DELIVERY.backoff}, no ignore list (pull events are delivered too and answered "refreshed 0"); the registry queues events per endpoint in memory and delivers them one envelope at a time, in order, retrying a failed one forever (backoff after ${DELIVERY.threshold} failure)`,
      `push-to-Freight Warehouses: ${NOTIFY}/app and ${REFRESH}/app, one image subscription each (SemVer, constraint ${CONSTRAINT}, discoveryLimit 20 by default) to ${REPO} on their registry; push i PUTs tag 1.0.i (a distinct OCI manifest over the same two blobs) through the distribution API; the harness polls the store's table (the plugin's own knex) every ${POLL_MS} ms for a Freight of the project whose images hold that tag, at most ${
        options.perPushTimeoutMs / 1000
      } s per push; before each PUT it waits until no discovery is running or due (${extraDiscoveries} of ${
        2 * total
      } pushes had to wait: a refresh arriving while the same Warehouse is being discovered makes it due again)`,
      `push-to-Freight: the manifest PUT itself took p50 ${percentile(
        [...viaNotification, ...viaRefresh].map(x => x.putMs),
        50,
      ).toFixed(1)} ms (notifying registry ${percentile(
        viaNotification.map(x => x.putMs),
        50,
      ).toFixed(1)} ms, plain ${percentile(
        viaRefresh.map(x => x.putMs),
        50,
      ).toFixed(1)} ms)`,
      `push-to-Freight per push (ms): notification ${list(
        ms(viaNotification),
      )}; refresh endpoint ${list(ms(viaRefresh))}${
        misses + missesRefresh
          ? `; ${misses} notification and ${missesRefresh} refresh pushes got no Freight within ${
              options.perPushTimeoutMs / 1000
            } s${partial ? ' (STOPPED: PARTIAL)' : ''}`
          : ''
      }`,
      `push-to-Freight context: Kargo's default without a webhook is the Warehouse's 5-minute poll (spec.interval 5m0s), i.e. up to 300,000 ms and 150,000 ms on average from push to discovery; not measured`,
    ];
    return {
      notes,
      figure: {
        id: 'push-to-freight',
        title: `Push-to-Freight latency through a registry notification (${
          options.pushes
        } pushes${partial ? ', PARTIAL' : ''}, SQLite file)`,
        database: 'SQLite',
        stats: [
          {
            label: 'p50, PUT answered → Freight stored',
            unit: 'ms',
            ours: p50,
            baseline: p50Refresh,
            target: {
              text: `p50 < ${TARGET_P50_MS} ms`,
              met: p50 < TARGET_P50_MS,
            },
          },
          {
            label: 'p99, PUT answered → Freight stored',
            unit: 'ms',
            ours: percentile(ms(viaNotification), 99),
            baseline: percentile(ms(viaRefresh), 99),
          },
        ],
        baseline: `the same push, discovery and Freight creation without notification delivery: a second, identically configured registry without notifications, a second Warehouse subscribed to it, and \`POST /api/kargo/v1beta1/projects/${REFRESH}/warehouses/app/refresh\` sent right after the PUT answered (its round trip included), interleaved push by push with the notified Warehouse. Context, not measured: Kargo's default 5-minute poll (up to 300,000 ms)`,
      },
    };
  } finally {
    for (const stop of stops) {
      await stop().catch(() => {});
    }
  }
}
