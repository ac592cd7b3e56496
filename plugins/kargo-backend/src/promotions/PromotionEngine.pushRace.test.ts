import {
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { GitFixture } from '../warehouses/discovery/git/__testUtils__/gitFixtures';
import {
  GitHttpServer,
  startGitHttpServer,
} from '../warehouses/discovery/git/__testUtils__/gitHttpServer';
import { createEngineHarness } from './__testUtils__/engineHarness';
import { PromotionCreator } from './PromotionCreator';

/*
 * Two Stages whose Promotions commit to the same branch of one GitOps
 * repository at the same time (real git over smart HTTP). Both clone and
 * commit, meet at a barrier, then push: the one that pushes second finds
 * the branch moved. Run on one instance, whose pushes to a branch are
 * serialized in-process (the second one fetches and rebases before it
 * pushes), and on two instances, which share nothing in-process: there a
 * pre-receive hook holds the first two pushes until both have reached the
 * server, so both were told the same branch tip and one of them is refused
 * when it updates the branch (a true race at the server, every time); it
 * must fetch, rebase and push again.
 */

jest.setTimeout(180_000);

const databases = createTestDatabases();
const ACTOR = 'user:default/ann';
const PROJECT = 'shop';

type Harness = Awaited<ReturnType<typeof createEngineHarness>>;

const base = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: ${PROJECT} }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: ${PROJECT} }
spec:
  subscriptions:
    - image: { repoURL: registry.example.com/app }
${['1.0.0', '1.1.0']
  .map(
    tag => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: ${PROJECT}, name: f-${tag.replace(/\./g, '-')} }
origin: { kind: Warehouse, name: app }
images:
  - repoURL: registry.example.com/app
    tag: "${tag}"
    digest: sha256:${'a'.repeat(64)}
`,
  )
  .join('')}`;

/**
 * A Stage that sets image.tag in `file` of the repository's main branch to
 * its Freight's tag: clone, yaml-update, git-commit, barrier, git-push.
 */
const stage = (name: string, repoURL: string, file: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${name}, namespace: ${PROJECT} }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - uses: git-clone
          config:
            repoURL: ${repoURL}
            checkout: [{ branch: main, path: ./out }]
        - uses: yaml-update
          config:
            path: ./out/${file}
            updates:
              - key: image.tag
                value: \${{ imageFrom('registry.example.com/app').Tag }}
        - uses: git-commit
          as: commit
          config:
            path: ./out
            message: "${name}: image.tag \${{ imageFrom('registry.example.com/app').Tag }}"
        - uses: barrier
        - uses: git-push
          as: push
          config: { path: ./out }
`;

const values = (tag: string) => `image:\n  tag: ${tag}\n`;

/**
 * A step that lets a Promotion through once `parties` Promotions have
 * reached it, so that both have cloned and committed before either pushes.
 * Bounded: it errors, naming who arrived, if the others do not come.
 */
function createBarrier(parties: number, timeoutMs = 60_000) {
  const arrived: string[] = [];
  let open!: () => void;
  const opened = new Promise<void>(resolve => {
    open = resolve;
  });
  const step: PromotionStepRunner = {
    name: 'barrier',
    async run(ctx) {
      if (!arrived.includes(ctx.promotion)) arrived.push(ctx.promotion);
      if (arrived.length >= parties) open();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        opened.then(() => 'open'),
        new Promise<string>(resolve => {
          timer = setTimeout(() => resolve('timed out'), timeoutMs);
          ctx.signal.addEventListener('abort', () => resolve('aborted'), {
            once: true,
          });
        }),
      ]);
      clearTimeout(timer);
      if (outcome !== 'open') {
        throw new TerminalStepError(
          `barrier ${outcome}: ${
            arrived.length
          } of ${parties} Promotions arrived (${arrived.join(', ')})`,
        );
      }
      return { status: 'Succeeded' };
    },
  };
  return { step, arrived };
}

const pause = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * A pre-receive hook that holds each of the first two pushes until both
 * have arrived (at most 15 s); later pushes pass straight through.
 */
const HOLD_FIRST_TWO_PUSHES = `#!/bin/sh
cat >/dev/null
dir="$GIT_DIR/held-pushes"
mkdir -p "$dir"
[ "$(ls "$dir" | wc -l)" -ge 2 ] && exit 0
touch "$dir/$$"
i=0
while [ "$(ls "$dir" | wc -l)" -lt 2 ] && [ $i -lt 300 ]; do
  sleep 0.05
  i=$((i + 1))
done
exit 0
`;

describe.each(databases.eachSupportedId())(
  'concurrent git-push from two Stages on %s',
  id => {
    let knex: Knex;
    let gitops: GitFixture;
    let server: GitHttpServer;
    let harnesses: Harness[] = [];

    beforeEach(async () => {
      knex = await databases.init(id);
      gitops = new GitFixture('gitops');
      gitops.commit({
        message: 'initial',
        files: {
          'env/dev-a/values.yaml': values('0.0.1'),
          'env/dev-b/values.yaml': values('0.0.1'),
          'env/shared/values.yaml': values('0.0.1'),
        },
      });
      gitops.run(gitops.workDir, 'push', '--quiet', 'origin', 'main');
      server = await startGitHttpServer({ root: gitops.reposDir });
    });
    afterEach(async () => {
      await Promise.all(harnesses.map(h => h.close()));
      harnesses = [];
      await server?.close();
      gitops?.cleanup();
    });

    const remote = (...args: string[]) =>
      execFileSync('git', ['--git-dir', gitops.bareDir, ...args], {
        encoding: 'utf8',
      }).trim();
    const remoteFile = (path: string) => `${remote('show', `main:${path}`)}\n`;

    /**
     * dev-a promotes 1.0.0 into `files[0]`, dev-b 1.1.0 into `files[1]`, on
     * `instances` engine instances (one: concurrency 2; two: one each),
     * until both have ended.
     */
    async function promoteBoth(instances: 1 | 2, files: [string, string]) {
      const barrier = createBarrier(2);
      if (instances === 2) {
        writeFileSync(
          join(gitops.bareDir, 'hooks', 'pre-receive'),
          HOLD_FIRST_TWO_PUSHES,
          { mode: 0o755 },
        );
      }
      for (let i = 0; i < instances; i++) {
        harnesses.push(
          await createEngineHarness(knex, {
            owner: `instance-${i + 1}`,
            concurrency: instances === 1 ? 2 : 1,
            steps: [barrier.step],
          }),
        );
      }
      const [first] = harnesses;
      const repoURL = `${server.url}/gitops.git`;
      await first.apply(
        [
          base,
          stage('dev-a', repoURL, files[0]),
          stage('dev-b', repoURL, files[1]),
        ].join('\n---'),
      );
      const creator = new PromotionCreator(first.queue);
      const a = await creator.create(
        PROJECT,
        'dev-a',
        { freight: 'f-1-0-0' },
        ACTOR,
      );
      const b = await creator.create(
        PROJECT,
        'dev-b',
        { freight: 'f-1-1-0' },
        ACTOR,
      );
      // One tick per instance claims both (instance 1 takes the older).
      for (const h of harnesses) await h.engine.tick();
      const deadline = Date.now() + 120_000;
      for (;;) {
        const [{ open }] = await knex('kargo_promotion_queue')
          .where('done', false)
          .count({ open: '*' });
        if (Number(open) === 0) break;
        if (Date.now() > deadline) {
          throw new Error(
            `the Promotions did not end within 120 s (${open} open; at the barrier: ${barrier.arrived.join(
              ', ',
            )})`,
          );
        }
        await Promise.all(harnesses.map(h => h.engine.tick()));
        await pause(50);
      }
      await Promise.all(harnesses.map(h => h.engine.idle()));
      expect(barrier.arrived.sort()).toEqual([a.name, b.name].sort());
      const load = async (name: string) =>
        (await first.promotion(PROJECT, name))!;
      return { a: await load(a.name), b: await load(b.name), first };
    }

    /** The push step's log lines of both Promotions. */
    async function pushLogs(h: Harness, names: string[]) {
      const lines: string[] = [];
      for (const name of names) {
        const steps = await h.service.steps(PROJECT, name);
        const push = steps.find(step => step.alias === 'push');
        lines.push(...(push?.logs ?? []).map(l => l.message));
      }
      return lines;
    }

    describe.each([1, 2] as const)('on %s instance(s)', instances => {
      it('lands both commits on the branch, each rebased as needed, in a linear history', async () => {
        const initial = remote('rev-parse', 'main');
        const { a, b, first } = await promoteBoth(instances, [
          'env/dev-a/values.yaml',
          'env/dev-b/values.yaml',
        ]);
        expect(
          [a, b].map(p => ({
            stage: p.stage,
            phase: p.status.phase,
            message: p.status.message,
          })),
        ).toEqual([
          { stage: 'dev-a', phase: 'Succeeded', message: undefined },
          { stage: 'dev-b', phase: 'Succeeded', message: undefined },
        ]);

        // Two instances: the server refused one push and it tried again.
        // One instance: the second push rebased before it was sent.
        const retried = (await pushLogs(first, [a.name, b.name])).filter(l =>
          /^Branch main of .* moved before the push \(attempt 1\)/.test(l),
        );
        expect(retried).toHaveLength(instances === 2 ? 1 : 0);

        // Both changes are on the remote branch.
        expect(remoteFile('env/dev-a/values.yaml')).toBe(values('1.0.0'));
        expect(remoteFile('env/dev-b/values.yaml')).toBe(values('1.1.0'));
        expect(remoteFile('env/shared/values.yaml')).toBe(values('0.0.1'));

        // Linear: initial, then one commit per Stage, no merge commits.
        expect(remote('rev-list', '--merges', 'main')).toBe('');
        const history = remote('rev-list', 'main').split('\n');
        expect(history).toHaveLength(3);
        expect(history[2]).toBe(initial);
        expect(remote('log', '--format=%s', 'main').split('\n').sort()).toEqual(
          ['dev-a: image.tag 1.0.0', 'dev-b: image.tag 1.1.0', 'initial'],
        );

        // Each Promotion's pushed commit is on the branch: the first
        // pusher's as committed, the second's rebased onto it.
        const pushed = (p: typeof a) => (p.status.state as any).push;
        const committed = (p: typeof a) =>
          (p.status.state as any).commit.commit;
        expect(pushed(a).branch).toBe('main');
        expect(pushed(b).branch).toBe('main');
        expect([pushed(a).commit, pushed(b).commit].sort()).toEqual(
          history.slice(0, 2).sort(),
        );
        const [second, firstPusher] =
          pushed(a).commit === history[0] ? [a, b] : [b, a];
        expect(pushed(firstPusher).commit).toBe(committed(firstPusher));
        expect(pushed(second).commit).not.toBe(committed(second));
        expect(remote('rev-parse', `${pushed(second).commit}^`)).toBe(
          pushed(firstPusher).commit,
        );
      });

      it('fails the Promotion that loses a true conflict, naming the branch and file, and keeps the winner’s change', async () => {
        const initial = remote('rev-parse', 'main');
        const file = 'env/shared/values.yaml';
        const { a, b, first } = await promoteBoth(instances, [file, file]);
        const [winner, loser] =
          a.status.phase === 'Succeeded' ? [a, b] : [b, a];
        const winnerTag = winner === a ? '1.0.0' : '1.1.0';
        expect(
          [winner, loser].map(p => ({
            phase: p.status.phase,
            message: p.status.message,
          })),
        ).toEqual([
          { phase: 'Succeeded', message: undefined },
          {
            phase: 'Failed',
            message: expect.stringMatching(
              /^cannot push to branch "main" of http:\/\/127\.0\.0\.1:\d+\/gitops\.git: commits on the remote branch conflict with the local commits in env\/shared\/values\.yaml; /,
            ),
          },
        ]);
        // Two instances: the server refused one push and it tried again.
        // One instance: the second push rebased before it was sent.
        const retried = (await pushLogs(first, [a.name, b.name])).filter(l =>
          /^Branch main of .* moved before the push \(attempt 1\)/.test(l),
        );
        expect(retried).toHaveLength(instances === 2 ? 1 : 0);

        const metas = loser.status.stepExecutionMetadata as any[];
        expect(metas.map(m => [m.alias, m.status])).toEqual([
          ['step-0', 'Succeeded'],
          ['step-1', 'Succeeded'],
          ['commit', 'Succeeded'],
          ['step-3', 'Succeeded'],
          ['push', 'Failed'],
        ]);
        expect(metas[4].errorCount).toBe(0);

        // The remote holds the winner's commit alone.
        expect(remote('rev-parse', 'main')).toBe(
          (winner.status.state as any).push.commit,
        );
        expect(remote('rev-parse', 'main^')).toBe(initial);
        expect(remoteFile(file)).toBe(values(winnerTag));
        expect(remote('rev-list', '--merges', 'main')).toBe('');

        // The losing Stage shows the failure and did not take the Freight.
        const loserStage = await first.store.getResource({
          kind: 'Stage',
          project: PROJECT,
          name: loser.stage!,
        });
        expect(loserStage!.status.lastPromotion).toMatchObject({
          name: loser.name,
          status: { phase: 'Failed', message: loser.status.message },
        });
        expect(loserStage!.status.freightHistory ?? []).toEqual([]);
      });
    });
  },
);
