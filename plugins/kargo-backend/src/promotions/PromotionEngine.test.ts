import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { execFileSync } from 'node:child_process';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { GitFixture } from '../warehouses/discovery/git/__testUtils__/gitFixtures';
import {
  GitHttpServer,
  startGitHttpServer,
} from '../warehouses/discovery/git/__testUtils__/gitHttpServer';
import { createEngineHarness } from './__testUtils__/engineHarness';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const ACTOR = 'user:default/ann';

const pipeline = (gitops: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: shop }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: shop }
spec:
  subscriptions:
    - image: { repoURL: registry.example.com/app }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: PromotionTask
metadata: { name: update-env, namespace: shop }
spec:
  vars:
    - name: env
    - name: repo
      value: ${gitops}
  steps:
    - uses: git-clone
      config:
        repoURL: \${{ vars.repo }}
        checkout: [{ branch: main, path: ./out }]
    - uses: yaml-update
      as: update
      config:
        path: ./out/env/\${{ vars.env }}/values.yaml
        updates:
          - key: image.tag
            value: \${{ imageFrom('registry.example.com/app').Tag }}
    - uses: git-commit
      as: commit
      config:
        path: ./out
        message: \${{ task.outputs.update.commitMessage }}
    - uses: git-push
      as: push
      config: { path: ./out }
    - uses: compose-output
      config:
        commit: \${{ task.outputs.push.commit }}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: dev, namespace: shop }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - task: { name: update-env }
          as: deploy
          vars: [{ name: env, value: dev }]
        - uses: compose-output
          as: summary
          config:
            pushed: \${{ outputs.deploy.commit }}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: prod, namespace: shop }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { stages: [dev] }
  promotionTemplate:
    spec:
      steps:
        - task: { name: update-env }
          vars: [{ name: env, value: prod }]
`;

const freight = (tag: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: shop, name: f-${tag.replace(/\./g, '-')} }
alias: v-${tag.replace(/\./g, '-')}
origin: { kind: Warehouse, name: app }
images:
  - repoURL: registry.example.com/app
    tag: "${tag}"
    digest: sha256:${'a'.repeat(64)}
`;

/** A Stage `qa` taking Freight straight from the Warehouse, with these steps. */
const qaStage = (steps: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: qa, namespace: shop }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps: [${steps}]
`;

describe.each(databases.eachSupportedId())('promotion engine on %s', id => {
  let knex: Knex;
  let gitops: GitFixture;
  let server: GitHttpServer;
  let harness: Awaited<ReturnType<typeof createEngineHarness>>;

  const setup = async (steps: PromotionStepRunner[] = []) => {
    harness = await createEngineHarness(knex, { steps });
    await harness.apply(pipeline(`${server.url}/gitops.git`));
    await harness.apply(freight('1.0.0'));
    await harness.apply(freight('1.1.0'));
  };

  beforeAll(async () => {
    gitops = new GitFixture('gitops');
    gitops.commit({
      message: 'initial',
      files: {
        'env/dev/values.yaml':
          '# dev values\nimage:\n  tag: 0.0.1 # set by Kargo\n',
        'env/prod/values.yaml': 'image:\n  tag: 0.0.1\n',
      },
    });
    gitops.run(gitops.workDir, 'push', '--quiet', 'origin', 'main');
    server = await startGitHttpServer({ root: gitops.reposDir });
  });
  afterAll(async () => {
    await server.close();
    gitops.cleanup();
  });
  beforeEach(async () => {
    knex = await databases.init(id);
  });
  afterEach(async () => {
    await harness?.close();
  });

  const remoteFile = (path: string) =>
    execFileSync('git', ['--git-dir', gitops.bareDir, 'show', `main:${path}`], {
      encoding: 'utf8',
    });
  const remoteLog = () =>
    execFileSync(
      'git',
      ['--git-dir', gitops.bareDir, 'log', '--format=%s', 'main'],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .split('\n');

  it('promotes Freight into a Stage by committing to its GitOps repository, then downstream', async () => {
    await setup();
    const created = await harness.service.create(
      'shop',
      'dev',
      { freightAlias: 'v-1-1-0' },
      ACTOR,
    );
    expect(created.name).toMatch(/^dev\.[0-9a-z]{26}\.f-1-1-0$/);
    expect(created.status.phase).toBe('Pending');
    expect(created.spec.steps).toHaveLength(6);
    expect((created.spec.steps as any[]).map(s => s.as)).toEqual([
      'deploy::step-0',
      'deploy::update',
      'deploy::commit',
      'deploy::push',
      'deploy::step-4',
      'summary',
    ]);

    await harness.settle();
    const done = (await harness.promotion('shop', created.name))!;
    expect(done.status.message).toBeUndefined();
    expect(done.status).toMatchObject({ phase: 'Succeeded', currentStep: 6 });
    expect(remoteFile('env/dev/values.yaml')).toBe(
      '# dev values\nimage:\n  tag: 1.1.0 # set by Kargo\n',
    );
    const head = execFileSync(
      'git',
      ['--git-dir', gitops.bareDir, 'rev-parse', 'main'],
      {
        encoding: 'utf8',
      },
    ).trim();
    const state = done.status.state as any;
    expect(state['deploy::push'].commit).toBe(head);
    expect(state.deploy).toEqual({ commit: head });
    expect(state.summary).toEqual({ pushed: head });
    expect(remoteLog()[0]).toBe('Updated ./out/env/dev/values.yaml');

    const dev = await harness.store.getResource({
      kind: 'Stage',
      project: 'shop',
      name: 'dev',
    });
    expect(dev!.status).toMatchObject({
      lastPromotion: { name: created.name, status: { phase: 'Succeeded' } },
      freightHistory: [{ items: { 'Warehouse/app': { name: 'f-1-1-0' } } }],
    });
    expect(dev!.status.currentPromotion).toBeUndefined();
    const f = await harness.store.getFreight('shop', 'f-1-1-0');
    expect(Object.keys(f!.status.currentlyIn as object)).toEqual(['dev']);
    expect(Object.keys(f!.status.verifiedIn as object)).toEqual(['dev']);

    // Verified in dev, so prod may take it now; 1.0.0 was never in dev.
    await expect(
      harness.service.create('shop', 'prod', { freight: 'f-1-0-0' }, ACTOR),
    ).rejects.toThrow(/not available to Stage "prod"/);
    const prod = await harness.service.create(
      'shop',
      'prod',
      { origin: { name: 'app' } },
      ACTOR,
    );
    expect(prod.spec.freight).toBe('f-1-1-0');
    await harness.settle();
    expect((await harness.promotion('shop', prod.name))!.status.phase).toBe(
      'Succeeded',
    );
    expect(remoteFile('env/prod/values.yaml')).toBe('image:\n  tag: 1.1.0\n');

    const steps = await harness.service.steps('shop', created.name);
    expect(steps.map(s => [s.alias, s.status])).toEqual([
      ['deploy::step-0', 'Succeeded'],
      ['deploy::update', 'Succeeded'],
      ['deploy::commit', 'Succeeded'],
      ['deploy::push', 'Succeeded'],
      ['deploy::step-4', 'Succeeded'],
      ['summary', 'Succeeded'],
    ]);
  });

  it('runs one Promotion per Stage at a time, in creation order', async () => {
    const order: string[] = [];
    let running = 0;
    let overlap = false;
    await setup([
      {
        name: 'note',
        async run(ctx) {
          running += 1;
          if (running > 1) overlap = true;
          await new Promise(r => setTimeout(r, 30));
          order.push(ctx.targetFreight.name);
          running -= 1;
          return { status: 'Succeeded' };
        },
      },
    ]);
    await harness.apply(qaStage(`{ uses: note }`));
    for (const alias of ['v-1-0-0', 'v-1-1-0', 'v-1-0-0']) {
      await harness.service.create(
        'shop',
        'qa',
        { freightAlias: alias },
        ACTOR,
      );
    }
    await harness.settle();
    expect(order).toEqual(['f-1-0-0', 'f-1-1-0', 'f-1-0-0']);
    expect(overlap).toBe(false);
  });

  it('follows if, continueOnError, failure() and retries, and names the failing step', async () => {
    let flaky = 0;
    await setup([
      {
        name: 'boom',
        async run() {
          throw new Error('exploded');
        },
      },
      {
        name: 'business-no',
        async run() {
          return { status: 'Failed', message: 'quota exceeded' };
        },
      },
      {
        name: 'flaky',
        async run() {
          flaky += 1;
          if (flaky < 3) throw new Error(`flake ${flaky}`);
          return { status: 'Succeeded', output: { tries: flaky } };
        },
      },
      {
        name: 'echo',
        async run(ctx) {
          return { status: 'Succeeded', output: ctx.config };
        },
      },
    ]);
    await harness.apply(`
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: qa, namespace: shop }
spec:
  vars: [{ name: who, value: stage }]
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      vars: [{ name: greeting, value: "hello \${{ vars.who }}" }]
      steps:
        - uses: flaky
          as: flaky
          retry: { errorThreshold: 3 }
        - uses: boom
          as: ignored
          continueOnError: true
        - uses: echo
          as: after-ignored
          config: { ok: "\${{ success() }}", tries: "\${{ outputs.flaky.tries }}", msg: "\${{ vars.greeting }}" }
        - uses: business-no
          as: quota
        - uses: echo
          as: skipped-by-default
        - uses: echo
          as: cleanup
          if: \${{ failure() }}
          config: { quota: "\${{ status('quota') }}" }
`);
    const p = await harness.service.create(
      'shop',
      'qa',
      { freight: 'f-1-0-0' },
      ACTOR,
    );
    await harness.settle();
    const done = (await harness.promotion('shop', p.name))!;
    expect(done.status.phase).toBe('Failed');
    expect(done.status.message).toBe('quota exceeded');
    const metas = (done.status.stepExecutionMetadata as any[]).map(m => [
      m.alias,
      m.status,
      m.errorCount,
    ]);
    expect(metas).toEqual([
      ['flaky', 'Succeeded', 2],
      ['ignored', 'Errored', 1],
      ['after-ignored', 'Succeeded', 0],
      ['quota', 'Failed', 0],
      ['skipped-by-default', 'Skipped', 0],
      ['cleanup', 'Succeeded', 0],
    ]);
    const state = done.status.state as any;
    expect(state['after-ignored']).toEqual({
      ok: true,
      tries: 3,
      msg: 'hello stage',
    });
    expect(state.cleanup).toEqual({ quota: 'Failed' });
  });

  it.each([
    [
      'an unknown step',
      '{ uses: no-such-step }',
      /step "step-0": no step runner for "no-such-step"/,
    ],
    [
      'an invalid config',
      '{ uses: git-clone, config: { checkout: [] } }',
      /step "step-0" \(git-clone\): invalid config: config\.repoURL: required/,
    ],
    [
      'a non-boolean if',
      '{ uses: fail, if: "${{ 42 }}" }',
      /step "step-0": if: must evaluate to a boolean/,
    ],
    [
      'an expression error',
      '{ uses: fail, config: { message: "${{ nope.field }}" } }',
      /step "step-0" \(fail\): .*nope|cannot read/,
    ],
    [
      'a failing binary',
      // kubectl kustomize (or kustomize) exits non-zero on a missing resource.
      `{ uses: file-write, config: { path: ./k/kustomization.yaml, contents: "resources: [missing.yaml]" } },
       { uses: kustomize-build, config: { path: ./k, outPath: ./out.yaml } }`,
      /step "step-1" \(kustomize-build\): .*missing\.yaml/s,
    ],
  ])(
    'ends as Errored, naming the step, on %s',
    async (_what, step, message) => {
      await setup();
      await harness.apply(qaStage(step));
      const p = await harness.service.create(
        'shop',
        'qa',
        { freight: 'f-1-0-0' },
        ACTOR,
      );
      await harness.settle();
      const done = (await harness.promotion('shop', p.name))!;
      expect(done.status.phase).toBe('Errored');
      expect(done.status.message).toMatch(message);
    },
  );

  it('aborts a queued Promotion at once and a running one at its next heartbeat', async () => {
    let release!: () => void;
    const started = new Promise<void>(resolve => {
      release = resolve;
    });
    await setup([
      {
        name: 'hang',
        run: ctx =>
          new Promise(resolve => {
            release();
            ctx.signal.addEventListener('abort', () =>
              resolve({ status: 'Succeeded' }),
            );
          }),
      },
    ]);
    await harness.apply(qaStage(`{ uses: hang }`));
    const first = await harness.service.create(
      'shop',
      'qa',
      { freight: 'f-1-0-0' },
      ACTOR,
    );
    const second = await harness.service.create(
      'shop',
      'qa',
      { freight: 'f-1-1-0' },
      ACTOR,
    );
    void harness.engine.tick();
    await started;
    const queued = await harness.service.abort(
      'shop',
      second.name,
      'user:default/bob',
    );
    expect(queued.status).toMatchObject({
      phase: 'Aborted',
      message: 'aborted by user:default/bob',
    });
    await harness.service.abort('shop', first.name, 'user:default/bob');
    await harness.settle();
    const running = (await harness.promotion('shop', first.name))!;
    expect(running.status.phase).toBe('Aborted');
    expect((running.status.stepExecutionMetadata as any[])[0].status).toBe(
      'Aborted',
    );
    await expect(
      harness.service.abort('shop', first.name, ACTOR),
    ).rejects.toThrow(/already ended/);
    const retried = await harness.service.retry('shop', first.name, ACTOR);
    expect(retried.spec.freight).toBe('f-1-0-0');
  });

  it('shows a step that runs for a while as Running, with its start time, before it ends', async () => {
    let finish!: () => void;
    const finished = new Promise<void>(resolve => {
      finish = resolve;
    });
    await setup([
      { name: 'quick', run: async () => ({ status: 'Succeeded' }) },
      {
        name: 'slow',
        run: async () => {
          await finished;
          return { status: 'Succeeded' };
        },
      },
    ]);
    await harness.apply(qaStage(`{ uses: quick }, { uses: slow, as: wait }`));
    const promotion = await harness.service.create(
      'shop',
      'qa',
      { freight: 'f-1-0-0' },
      ACTOR,
    );
    void harness.engine.tick();
    let status: any;
    for (let i = 0; i < 100; i++) {
      status = (await harness.promotion('shop', promotion.name))!.status;
      if (status.stepExecutionMetadata?.[1]?.status === 'Running') break;
      await new Promise(r => setTimeout(r, 50));
    }
    expect(status.phase).toBe('Running');
    expect(status.currentStep).toBe(1);
    expect(status.stepExecutionMetadata[0]).toMatchObject({
      status: 'Succeeded',
    });
    expect(status.stepExecutionMetadata[1]).toMatchObject({
      alias: 'wait',
      status: 'Running',
      startedAt: expect.any(String),
    });
    finish();
    await harness.settle();
    const done = (await harness.promotion('shop', promotion.name))!.status;
    expect(done.phase).toBe('Succeeded');
    expect((done.stepExecutionMetadata as any[])[1]).toMatchObject({
      status: 'Succeeded',
      finishedAt: expect.any(String),
    });
  });

  it('never stores or logs the values of secrets', async () => {
    harness = await createEngineHarness(knex, {
      secrets: [
        { name: 'api', project: 'shop', data: { token: 's3cr3t-t0ken' } },
      ],
      steps: [
        {
          name: 'leaky',
          async run(ctx) {
            ctx.log(`using ${ctx.config.token}`);
            return {
              status: 'Succeeded',
              output: { header: `Bearer ${ctx.config.token}` },
            };
          },
        },
      ],
    });
    await harness.apply(pipeline(`${server.url}/gitops.git`));
    await harness.apply(freight('1.0.0'));
    await harness.apply(
      qaStage(
        `{ uses: leaky, as: call, config: { token: "\${{ secret('api').token }}" } }`,
      ),
    );
    const p = await harness.service.create(
      'shop',
      'qa',
      { freight: 'f-1-0-0' },
      ACTOR,
    );
    await harness.settle();
    const done = (await harness.promotion('shop', p.name))!;
    expect(done.status.phase).toBe('Succeeded');
    expect(JSON.stringify(done)).not.toContain('s3cr3t-t0ken');
    const [step] = await harness.service.steps('shop', p.name);
    expect(step.output).toEqual({ header: 'Bearer ***' });
    expect(step.logs.map(l => l.message)).toEqual(['using ***']);
  });
});
