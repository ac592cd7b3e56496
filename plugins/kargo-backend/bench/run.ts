/**
 * All measurements on one database: the list and pipeline figures on a
 * loaded project (with RSS before and after), then the apply figure on fresh
 * databases. Every figure is paired with a raw-knex baseline on the same
 * database in the same run.
 */
import type { Entity } from '@backstage/catalog-model';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { DatabaseKargoStore } from '../src/database';
import { startBenchBackend } from './backend';
import type { DatabaseProvider } from './databases';
import { applyFixture, loadFixture, toRow } from './fixtures';
import { max, median, now, percentile, rssAfterGc, timed } from './measure';

export type Stat = { label: string; ours: number; baseline: number };
export type Figure = {
  id: 'apply' | 'freight' | 'pipeline' | 'rss';
  unit: 'ms' | 'MiB';
  stats: Stat[];
  /** Target on one stat: `ours` must stay below `below`. */
  target?: { stat: string; below: number };
};
export type DatabaseResult = {
  database: string;
  version: string;
  figures: Figure[];
  /** Facts about the run worth printing (sizes, per-rep values, load time). */
  notes: string[];
  seconds: number;
};

export type RunOptions = {
  applyCount: number;
  applyReps: number;
  stages: number;
  freight: number;
  requests: number;
  pageSize: number;
};

const TABLE = 'kargo_resources';
const PROJECT = 'shop';
const APPLY_PROJECT = 'bench-apply';
const MIGRATIONS = resolve(__dirname, '../migrations');
const MiB = 1024 * 1024;
const RAW_INSERT_CHUNK = 250;

const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'kargo.akuity.io/project': PROJECT },
  },
  spec: { type: 'service', owner: 'platform', lifecycle: 'production' },
};

type Cursor = { name: string; sortAt: number };

/** The keyset query DatabaseKargoStore.listResources issues for Freight. */
function freightPageQuery(knex: Knex, limit: number, after?: Cursor) {
  const q = knex(TABLE).where('kind', 'Freight').andWhere('project', PROJECT);
  if (after) {
    q.andWhere(w =>
      w
        .where('sort_at', '<', after.sortAt)
        .orWhere(w2 =>
          w2
            .where('sort_at', '=', after.sortAt)
            .andWhere('name', '<', after.name),
        ),
    );
  }
  return q
    .orderBy([
      { column: 'sort_at', order: 'desc' },
      { column: 'name', order: 'desc' },
    ])
    .limit(limit + 1);
}

/**
 * Request i of the paging pattern: every 4th is a fresh first page (a user
 * opening the list), the others walk on through the pages with the cursor of
 * the previous walking request, starting over after the last page.
 */
function pagingPattern<C>() {
  let walk: C | undefined;
  return {
    cursorFor: (i: number) => (i % 4 === 0 ? undefined : walk),
    record: (i: number, next: C | undefined) => {
      if (i % 4 !== 0) walk = next;
    },
  };
}

async function get(url: string): Promise<{ ms: number; body: string }> {
  const start = now();
  const res = await fetch(url);
  const body = await res.text();
  const ms = now() - start;
  if (res.status !== 200) {
    throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 500)}`);
  }
  return { ms, body };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export async function runDatabase(
  provider: DatabaseProvider,
  options: RunOptions,
  log: (line: string) => void,
): Promise<DatabaseResult> {
  const started = now();
  const figures: Figure[] = [];
  const notes: string[] = [];
  const { requests, pageSize } = options;

  // ---- Fixtures first, so both RSS readings include them alike.
  log('generating fixtures');
  const load = loadFixture(PROJECT, options.stages, options.freight);
  const apply = applyFixture(APPLY_PROJECT, options.applyCount);
  notes.push(
    `load: 1 Project, ${load.warehouses.length} Warehouses, ${load.stages.length} Stages (layers ${load.layers}), ${load.freight.length} Freight, ${load.currentFreight.length} of them current in some Stage`,
  );

  // ---- Loaded project: RSS, Freight pages, entity pipeline.
  const main = await provider.open('main');
  const backend = await startBenchBackend(main.knex, [ENTITY]);
  try {
    const rssBefore = rssAfterGc();
    const heapBefore = process.memoryUsage().heapUsed;

    log(
      `loading ${load.freight.length} Freight and ${load.stages.length} Stages through the store`,
    );
    const store = await DatabaseKargoStore.create({
      database: {
        getClient: async () => main.knex,
        migrations: { skip: true },
      },
    });
    const loadMs = await timed(() =>
      store.transaction(async tx => {
        for (const item of [
          load.project,
          ...load.warehouses,
          ...load.stages,
          ...load.freight,
        ]) {
          await tx.createResource(item.key, item.content, item.status);
        }
      }),
    );
    notes.push(
      `load through DatabaseKargoStore.createResource in one transaction: ${(
        loadMs / 1000
      ).toFixed(1)} s (not a figure)`,
    );

    // Freight pages over HTTP.
    log(`${requests} Freight page requests (limit=${pageSize})`);
    const freightUrl = (token?: string) =>
      `${
        backend.baseUrl
      }/v1beta1/projects/${PROJECT}/freight?limit=${pageSize}${
        token ? `&continue=${encodeURIComponent(token)}` : ''
      }`;
    for (let i = 0; i < 10; i++) await get(freightUrl()); // warm-up
    const httpPages = pagingPattern<string>();
    const httpFreight: number[] = [];
    const httpFirstPages: string[][] = [];
    let freightBytes = 0;
    for (let i = 0; i < requests; i++) {
      const { ms: t, body } = await get(freightUrl(httpPages.cursorFor(i)));
      httpFreight.push(t);
      freightBytes += body.length;
      const page = JSON.parse(body);
      if (page.items.length !== pageSize) {
        throw new Error(
          `Freight page ${i} has ${page.items.length} items, expected ${pageSize}`,
        );
      }
      if (i < 4)
        httpFirstPages.push(page.items.map((f: any) => f.metadata.name));
      httpPages.record(i, page.metadata.continue);
    }

    // The same pages with the raw keyset query.
    const rawPages = pagingPattern<Cursor>();
    for (let i = 0; i < 10; i++) await freightPageQuery(main.knex, pageSize); // warm-up
    const rawFreight: number[] = [];
    for (let i = 0; i < requests; i++) {
      const start = now();
      const rows = await freightPageQuery(
        main.knex,
        pageSize,
        rawPages.cursorFor(i),
      );
      rawFreight.push(now() - start);
      const last = rows[pageSize - 1];
      if (i < 4) {
        const names = rows
          .slice(0, pageSize)
          .map((r: any) => r.name)
          .join();
        if (names !== httpFirstPages[i].join()) {
          throw new Error(`raw page ${i} differs from the API's page ${i}`);
        }
      }
      rawPages.record(
        i,
        rows.length > pageSize
          ? { name: last.name, sortAt: Number(last.sort_at) }
          : undefined,
      );
    }
    figures.push({
      id: 'freight',
      unit: 'ms',
      stats: [
        {
          label: 'p50',
          ours: percentile(httpFreight, 50),
          baseline: percentile(rawFreight, 50),
        },
        {
          label: 'p99',
          ours: percentile(httpFreight, 99),
          baseline: percentile(rawFreight, 99),
        },
      ],
      target: { stat: 'p99', below: 50 },
    });
    notes.push(
      `Freight page: ${kib(freightBytes / requests)} of JSON on average`,
    );

    // Entity pipeline over HTTP.
    log(`${requests} entity pipeline requests`);
    const pipelineUrl = `${backend.baseUrl}/v1beta1/entity/component/default/shop/pipeline`;
    const first = await get(pipelineUrl);
    const answer = JSON.parse(first.body).projects[0];
    const expected = [
      ['stages', answer.stages.length, load.stages.length],
      ['warehouses', answer.warehouses.length, load.warehouses.length],
      ['freight', answer.freight.length, load.currentFreight.length],
    ];
    for (const [what, got, want] of expected) {
      if (got !== want)
        throw new Error(`pipeline answer has ${got} ${what}, expected ${want}`);
    }
    for (let i = 0; i < 4; i++) await get(pipelineUrl); // warm-up
    const httpPipeline: number[] = [];
    for (let i = 0; i < requests; i++) {
      httpPipeline.push((await get(pipelineUrl)).ms);
    }
    const rawPipelineQueries = async () => {
      await main
        .knex(TABLE)
        .where('project', PROJECT)
        .whereIn('kind', ['Warehouse', 'Stage']);
      await main
        .knex(TABLE)
        .where({ kind: 'Freight', project: PROJECT })
        .andWhere(w =>
          w
            .whereIn('name', load.currentFreight)
            .orWhereIn('alias', load.currentFreight),
        );
    };
    for (let i = 0; i < 4; i++) await rawPipelineQueries(); // warm-up
    const rawPipeline: number[] = [];
    for (let i = 0; i < requests; i++) {
      rawPipeline.push(await timed(rawPipelineQueries));
    }
    figures.push({
      id: 'pipeline',
      unit: 'ms',
      stats: [
        {
          label: 'p50',
          ours: percentile(httpPipeline, 50),
          baseline: percentile(rawPipeline, 50),
        },
        {
          label: 'p99',
          ours: percentile(httpPipeline, 99),
          baseline: percentile(rawPipeline, 99),
        },
      ],
      target: { stat: 'p99', below: 150 },
    });
    notes.push(`entity pipeline answer: ${kib(first.body.length)} of JSON`);

    const rssAfter = rssAfterGc();
    const heapAfter = process.memoryUsage().heapUsed;
    figures.push({
      id: 'rss',
      unit: 'MiB',
      stats: [
        { label: 'after gc', ours: rssAfter / MiB, baseline: rssBefore / MiB },
      ],
    });
    notes.push(
      `V8 heap used after gc: ${(heapBefore / MiB).toFixed(
        0,
      )} MiB before loading, ${(heapAfter / MiB).toFixed(0)} MiB after`,
    );
  } finally {
    await backend.stop();
    await main.dispose();
  }

  // ---- Apply: one request per fresh database, against a raw bulk insert.
  const body = apply.yaml;
  notes.push(
    `apply: Project + 1 Warehouse + ${options.applyCount - 2} Stages (layers ${
      apply.layers
    }) = ${apply.manifests.length} documents, ${kib(
      Buffer.byteLength(body),
    )} of YAML`,
  );
  const httpApply: number[] = [];
  const rawApply: number[] = [];
  for (let rep = 0; rep < options.applyReps; rep++) {
    log(`apply repetition ${rep + 1}/${options.applyReps}`);
    const db = await provider.open(`apply_${rep}`);
    const server = await startBenchBackend(db.knex, []);
    try {
      const start = now();
      const res = await fetch(`${server.baseUrl}/v1beta1/resources`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml' },
        body,
      });
      const text = await res.text();
      httpApply.push(now() - start);
      if (res.status !== 201) {
        throw new Error(`apply: ${res.status} ${text.slice(0, 1000)}`);
      }
      const results = JSON.parse(text).results;
      if (results.length !== apply.manifests.length) {
        throw new Error(
          `apply: ${results.length} results, expected ${apply.manifests.length}`,
        );
      }
    } finally {
      await server.stop();
      await db.dispose();
    }

    const raw = await provider.open(`raw_${rep}`);
    try {
      await raw.knex.migrate.latest({ directory: MIGRATIONS });
      const stamp = Date.now();
      const rows = apply.items.map(item => toRow(item, randomUUID(), stamp));
      rawApply.push(
        await timed(() =>
          raw.knex.transaction(async trx => {
            // knex writes SQLite multi-row inserts as a compound SELECT,
            // which SQLite caps at 500 terms: insert in chunks of 250.
            for (let i = 0; i < rows.length; i += RAW_INSERT_CHUNK) {
              await trx(TABLE).insert(rows.slice(i, i + RAW_INSERT_CHUNK));
            }
          }),
        ),
      );
      const [{ count }] = await raw.knex(TABLE).count({ count: '*' });
      if (Number(count) !== rows.length)
        throw new Error(`raw insert wrote ${count} rows`);
    } finally {
      await raw.dispose();
    }
  }
  figures.unshift({
    id: 'apply',
    unit: 'ms',
    stats: [
      { label: 'median', ours: median(httpApply), baseline: median(rawApply) },
      { label: 'max', ours: max(httpApply), baseline: max(rawApply) },
    ],
  });
  notes.push(
    `apply per repetition: API ${httpApply
      .map(ms)
      .join(', ')}; raw insert ${rawApply.map(ms).join(', ')}`,
  );

  return {
    database: provider.label,
    version: await provider.version(),
    figures,
    notes,
    seconds: (now() - started) / 1000,
  };
}
