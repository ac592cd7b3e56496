import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { reportMissingServer } from '../__testUtils__/testServers';
import { GitFixture } from '../warehouses/discovery/git/__testUtils__/gitFixtures';
import {
  GitHttpServer,
  startGitHttpServer,
} from '../warehouses/discovery/git/__testUtils__/gitHttpServer';
import { ChildBackend, freePort } from './__testUtils__/childBackendProcess';

/*
 * The crash test of issue 4: a real backend (createBackend() with the Kargo
 * plugin) runs as a child process and is killed with SIGKILL at a random
 * moment while Promotions clone, edit, commit and push to a GitOps
 * repository served by `git http-backend`; then it is started again on the
 * same database. After every trial: no Promotion is lost or stuck, each
 * promotion made exactly one commit, and every Stage's state agrees with
 * the repository. The seed is printed; KARGO_CRASH_SEED replays a run.
 */

const TRIALS = Number(process.env.KARGO_CRASH_TRIALS ?? 30);
const STAGES = ['s1', 's2', 's3'];
/** Freight per trial: each Stage gets a queue of this many Promotions. */
const PER_TRIAL = 2;
const SETTLE_MS = 90_000;

jest.setTimeout(20 * 60_000);

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pipeline = (git: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: crash }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: crash }
spec:
  freightCreationPolicy: Manual
  interval: 24h
  subscriptions:
    - git: { repoURL: ${git}/app.git }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: PromotionTask
metadata: { name: deploy, namespace: crash }
spec:
  steps:
    - uses: git-clone
      config:
        repoURL: ${git}/gitops.git
        checkout: [{ branch: main, path: ./out }]
    - uses: yaml-update
      config:
        path: ./out/env/\${{ ctx.stage }}/values.yaml
        updates:
          - key: app.commit
            value: \${{ commitFrom('${git}/app.git').ID }}
    - uses: git-commit
      config:
        path: ./out
        message: promote \${{ ctx.stage }} to \${{ ctx.targetFreight.name }}
    - uses: git-push
      config: { path: ./out }
${STAGES.map(
  stage => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${stage}, namespace: crash }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - task: { name: deploy }
`,
).join('')}`;

const commitOf = (freight: string) =>
  createHash('sha1').update(freight).digest('hex');

const freightManifest = (git: string, name: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { name: ${name}, namespace: crash }
origin: { kind: Warehouse, name: app }
commits:
  - repoURL: ${git}/app.git
    id: ${commitOf(name)}
`;

type Target = {
  id: string;
  database: object;
  /** The plugin's database, opened by the test to look at the queue. */
  inspect(): Knex;
  cleanup(): Promise<void>;
};

function sqliteTarget(dir: string): Target {
  return {
    id: 'SQLite (file)',
    database: {
      client: 'better-sqlite3',
      connection: { directory: join(dir, 'db') },
    },
    inspect: () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'db', 'kargo.sqlite') },
        useNullAsDefault: true,
      }),
    cleanup: async () => {},
  };
}

function postgresTargets(): Array<(dir: string) => Target> {
  return Object.entries(process.env)
    .filter(([key]) =>
      /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(key),
    )
    .map(([key, url]) => () => {
      const prefix = `kargo_crash_${process.pid}_`;
      const database = `${prefix}kargo`;
      const admin = () => knexFactory({ client: 'pg', connection: url });
      return {
        id: `PostgreSQL (${key.replace(
          /^BACKSTAGE_TEST_DATABASE_|_CONNECTION_STRING$/g,
          '',
        )})`,
        database: { client: 'pg', connection: url, prefix },
        inspect: () => {
          const own = new URL(url!);
          own.pathname = `/${database}`;
          return knexFactory({ client: 'pg', connection: own.toString() });
        },
        cleanup: async () => {
          const db = admin();
          await db.raw('DROP DATABASE IF EXISTS ??', [database]);
          await db.destroy();
        },
      };
    });
}

const targets: Array<(dir: string) => Target> = [
  dir => sqliteTarget(dir),
  ...postgresTargets(),
];
if (targets.length < 2) {
  reportMissingServer(
    'PostgreSQL is not available: the crash test runs on SQLite only. Start it with `npm run servers`.',
  );
}

describe.each(targets.map((make, i) => [i, make] as const))(
  'crash test %#: a real backend child process killed with SIGKILL mid-promotion',
  (_i, makeTarget) => {
    let dir: string;
    let target: Target;
    let gitops: GitFixture;
    let server: GitHttpServer;
    let backend: ChildBackend;
    let git: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kargo-crash-'));
      target = makeTarget(dir);
      gitops = new GitFixture('gitops');
      gitops.commit({
        message: 'initial',
        files: Object.fromEntries(
          STAGES.map(s => [`env/${s}/values.yaml`, 'app:\n  commit: none\n']),
        ),
      });
      gitops.run(gitops.workDir, 'push', '--quiet', 'origin', 'main');
      const app = new GitFixture('app');
      app.commit({ message: 'app', files: { 'README.md': 'app\n' } });
      execFileSync('cp', ['-r', app.bareDir, gitops.reposDir]);
      rmSync(app.root, { recursive: true, force: true });
      server = await startGitHttpServer({ root: gitops.reposDir });
      git = server.url;
      backend = new ChildBackend({
        dir,
        port: await freePort(),
        database: target.database,
        kargo: {
          promotions: { leaseDuration: '1s', workDir: join(dir, 'work') },
          stages: { leaseDuration: '1s' },
        },
      });
      await backend.start();
      await backend.api('PUT', '/v1beta1/resources', pipeline(git));
    });

    afterAll(async () => {
      await backend?.stop();
      await server?.close();
      await target?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (gitops) rmSync(gitops.root, { recursive: true, force: true });
    });

    const promotionPhases = async () => {
      const list = await backend.api<{ items: any[] }>(
        'GET',
        '/v1beta1/projects/crash/promotions?limit=1000',
      );
      return new Map<string, string | undefined>(
        list.items.map(p => [
          p.metadata.name,
          p.status?.phase === 'Succeeded' || !p.status?.message
            ? p.status?.phase
            : `${p.status.phase}: ${p.status.message}`,
        ]),
      );
    };

    const finished = (phase: string | undefined) =>
      /^(Succeeded|Failed|Errored|Aborted)\b/.test(phase ?? '');

    const waitUntilAllTerminal = async (names: string[]) => {
      const deadline = Date.now() + SETTLE_MS;
      for (;;) {
        const phases = await promotionPhases();
        if (names.every(n => finished(phases.get(n)))) return phases;
        if (Date.now() > deadline) {
          throw new Error(
            `Promotions still not finished after ${SETTLE_MS} ms: ${names
              .map(n => `${n}=${phases.get(n) ?? 'missing'}`)
              .join(', ')}; see ${join(dir, 'backend.log')}`,
          );
        }
        await new Promise(r => setTimeout(r, 100));
      }
    };

    /** Creates this trial's Promotions: PER_TRIAL Freight into every Stage. */
    const createTrial = async (trial: number) => {
      const freight = Array.from(
        { length: PER_TRIAL },
        (_, k) => `f${trial}-${k}`,
      );
      await backend.api(
        'PUT',
        '/v1beta1/resources',
        freight.map(f => freightManifest(git, f)).join('\n---\n'),
      );
      const created: string[] = [];
      for (const f of freight) {
        for (const stage of STAGES) {
          const promotion = await backend.api(
            'POST',
            `/v1beta1/projects/crash/stages/${stage}/promotions`,
            { freight: f },
          );
          created.push(promotion.metadata.name);
        }
      }
      return { freight, created };
    };

    /** What the repository holds: commit subjects on main and each Stage's values. */
    const repository = () => {
      const mirror = join(dir, 'check');
      rmSync(mirror, { recursive: true, force: true });
      execFileSync('git', ['clone', '--quiet', gitops.bareDir, mirror]);
      const subjects = execFileSync('git', ['log', '--format=%s', 'main'], {
        cwd: mirror,
        encoding: 'utf8',
      })
        .trim()
        .split('\n');
      const values = Object.fromEntries(
        STAGES.map(s => [
          s,
          /commit: (\S+)/.exec(
            execFileSync('git', ['show', `main:env/${s}/values.yaml`], {
              cwd: mirror,
              encoding: 'utf8',
            }),
          )?.[1],
        ]),
      );
      return { subjects, values };
    };

    it(`loses no Promotion, pushes no commit twice and keeps Stages in step with the repository over ${TRIALS} kills`, async () => {
      const seed = Number(process.env.KARGO_CRASH_SEED ?? Date.now());
      const random = prng(seed);
      // eslint-disable-next-line no-console
      console.log(`crash test on ${target.id}: seed ${seed}`);

      // Trial 0 is not killed: it measures how long a trial's work takes,
      // so the kills below land anywhere inside that span.
      const started = Date.now();
      const first = await createTrial(0);
      const firstPhases = await waitUntilAllTerminal(first.created);
      expect(
        first.created.filter(n => firstPhases.get(n) !== 'Succeeded'),
      ).toEqual([]);
      const span = Date.now() - started;
      const allPromotions = [...first.created];
      const killedDuring: string[] = [];
      const timings: string[] = [];

      for (let trial = 1; trial <= TRIALS; trial++) {
        const t0 = Date.now();
        const { created } = await createTrial(trial);
        allPromotions.push(...created);
        // Stratified: trial i dies at a random moment of the i-th slice of
        // the span, so the kills cover the whole of a Promotion's life.
        const delay = Math.floor(((trial - 1 + random()) / TRIALS) * span);
        await new Promise(r =>
          setTimeout(r, Math.max(0, delay - (Date.now() - t0))),
        );
        await backend.kill();

        // What was in flight when the process died.
        const db = target.inspect();
        try {
          const open = await db('kargo_promotion_queue')
            .where('done', false)
            .whereNotNull('owner')
            .select('stage', 'in_flight_step');
          killedDuring.push(
            open.length
              ? open
                  .map(r => `step ${r.in_flight_step ?? '(between steps)'}`)
                  .join(' ')
              : 'no claim',
          );
        } finally {
          await db.destroy();
        }

        const t1 = Date.now();
        await backend.start();
        const t2 = Date.now();
        const phases = await waitUntilAllTerminal(created);
        timings.push(`${t1 - t0}/${t2 - t1}/${Date.now() - t2}`);
        // Named with its phase and message, so a failure says what broke.
        expect(
          created
            .filter(n => phases.get(n) !== 'Succeeded')
            .map(n => `trial ${trial}: ${n} ${phases.get(n)}`),
        ).toEqual([]);
      }

      // Nothing lost: every Promotion created is there and Succeeded.
      const phases = await promotionPhases();
      expect(allPromotions.filter(n => phases.get(n) !== 'Succeeded')).toEqual(
        [],
      );

      // No commit twice: one commit per (Stage, Freight), nothing else.
      const { subjects, values } = repository();
      const counts = new Map<string, number>();
      for (const s of subjects) counts.set(s, (counts.get(s) ?? 0) + 1);
      const expected: string[] = [];
      for (let trial = 0; trial <= TRIALS; trial++) {
        for (let k = 0; k < PER_TRIAL; k++) {
          for (const stage of STAGES) {
            expected.push(`promote ${stage} to f${trial}-${k}`);
          }
        }
      }
      expect(expected.filter(s => counts.get(s) !== 1)).toEqual([]);
      expect(subjects.length).toBe(expected.length + 1); // + initial

      // Each Stage's state agrees with the repository: its last Promotion
      // and its current Freight are the last Freight, whose commit the file
      // holds.
      const last = `f${TRIALS}-${PER_TRIAL - 1}`;
      for (const stage of STAGES) {
        const s = await backend.api(
          'GET',
          `/v1beta1/projects/crash/stages/${stage}`,
        );
        expect(s.status.lastPromotion.freight.name).toBe(last);
        expect(s.status.lastPromotion.status.phase).toBe('Succeeded');
        expect(s.status.currentPromotion).toBeUndefined();
        const current = Object.values(
          s.status.freightHistory[0].items,
        ) as Array<{ name: string }>;
        expect(current.map(f => f.name)).toEqual([last]);
        expect(values[stage]).toBe(commitOf(last));
      }

      // Nothing left claimable or claimed.
      await backend.stop();
      const db = target.inspect();
      try {
        const [{ open }] = await db('kargo_promotion_queue')
          .where('done', false)
          .count({ open: '*' });
        expect(Number(open)).toBe(0);
      } finally {
        await db.destroy();
      }

      // eslint-disable-next-line no-console
      console.log(
        [
          `crash test on ${target.id}: trial span ${span} ms`,
          `ms to kill / restart / settle: ${timings.join(' ')}`,
          `in flight at each kill: ${killedDuring.join(' | ')}`,
        ].join('\n'),
      );
      // The kills must have hit Promotions cloning (step 0) and pushing
      // (step 3), the steps whose repetition would show, or this test
      // proves nothing.
      const stepsHit = new Set(
        killedDuring.flatMap(k => [...k.matchAll(/step (\d)/g)].map(m => m[1])),
      );
      expect([...stepsHit].sort()).toEqual(expect.arrayContaining(['0', '3']));
    });
  },
);
