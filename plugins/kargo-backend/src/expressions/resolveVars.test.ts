import { promotionScope } from './__fixtures__/promotionScope';
import { ExpressionEvaluationError } from './errors';
import { promotionVariables } from './promotionVariables';
import { resolveVars } from './resolveVars';

describe('resolveVars', () => {
  it('evaluates vars in order, later ones seeing earlier ones, later layers winning', async () => {
    const scope = promotionScope();
    const vars = await resolveVars(
      [
        // Stage vars
        [
          { name: 'env', value: 'dev' },
          // A plain string is never typed: this one stays "1".
          { name: 'plain', value: '1' },
          { name: 'replicas', value: '${{ 1 }}' },
          {
            name: 'repo',
            value: 'https://github.com/example/${{ vars.env }}.git',
          },
        ],
        // Promotion template vars
        [
          { name: 'env', value: '${{ ctx.stage }}' },
          { name: 'branch', value: 'stage/${{ vars.env }}' },
        ],
        // Step vars
        [
          { name: 'replicas', value: '${{ vars.replicas + 2 }}' },
          {
            name: 'tag',
            value: "${{ imageFrom('public.ecr.aws/nginx/nginx').Tag }}",
          },
          { name: 'quoted', value: '${{ quote(vars.replicas) }}' },
        ],
      ],
      scope,
    );
    expect(vars).toEqual({
      env: 'test',
      plain: '1',
      replicas: 3,
      repo: 'https://github.com/example/dev.git',
      branch: 'stage/test',
      tag: '1.27.0',
      quoted: '3',
    });
  });

  it('gives each layer its own scope, so Promotion vars cannot read step outputs', async () => {
    const base = {
      project: 'p',
      stage: 's',
      promotion: 'pr',
      targetFreight: { name: 'f', origin: { name: 'w' } },
    };
    const outputs = { build: { version: '1.2.3' } };
    const layers = [
      [{ name: 'early', value: "${{ outputs?.build?.version ?? 'unknown' }}" }],
      [{ name: 'late', value: '${{ outputs.build.version }}' }],
    ];
    const vars = await resolveVars(layers, layer => ({
      variables: promotionVariables({
        ...base,
        outputs: layer === 0 ? undefined : outputs,
      }),
    }));
    expect(vars).toEqual({ early: 'unknown', late: '1.2.3' });
  });

  it('requires a value for a var no earlier layer defined (a required task input)', async () => {
    const scope = promotionScope();
    await expect(
      resolveVars(
        [
          [{ name: 'a', value: 'x' }],
          [{ name: 'a' }, { name: 'b', value: '' }],
        ],
        scope,
      ),
    ).resolves.toEqual({ a: 'x', b: '' });
    await expect(resolveVars([[{ name: 'image' }]], scope)).rejects.toThrow(
      'missing value for variable "image"',
    );
  });

  it('names the var whose expression failed, and lets lookup failures through', async () => {
    const error = await resolveVars(
      [[{ name: 'bad', value: '${{ 1 + }}' }]],
      {},
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ExpressionEvaluationError);
    expect(error.message).toMatch(
      /^error evaluating variable "bad": invalid expression/,
    );
    const failing = {
      functions: { lookup: () => Promise.reject(new Error('db down')) },
    };
    await expect(
      resolveVars([[{ name: 'x', value: '${{ lookup() }}' }]], failing),
    ).rejects.toThrow(/^db down$/);
  });
});

describe('promotionVariables', () => {
  it("builds Kargo's ctx, and task.outputs for steps inside a task", () => {
    const variables = promotionVariables({
      project: 'kargo-demo',
      stage: 'prod',
      promotion: 'prod.01abc.f1a2b3c',
      targetFreight: {
        name: 'f1a2b3c',
        alias: 'wonky-wombat',
        origin: { name: 'w' },
      },
      actor: 'admin',
      rollback: true,
      stepAlias: 'bump::write',
      uiBaseUrl: 'https://example.com',
      vars: { a: 1 },
      outputs: {
        'bump::read': { v: '1' },
        read: { v: '2' },
        'other::read': { v: '3' },
      },
      target: { params: { region: 'eu' } },
    });
    expect(variables).toEqual({
      ctx: {
        uiBaseUrl: 'https://example.com',
        project: 'kargo-demo',
        stage: 'prod',
        promotion: 'prod.01abc.f1a2b3c',
        targetFreight: {
          name: 'f1a2b3c',
          alias: 'wonky-wombat',
          origin: { name: 'w' },
        },
        meta: {
          promotion: { actor: 'admin', rollback: true },
          step: { alias: 'bump::write' },
        },
      },
      vars: { a: 1 },
      outputs: {
        'bump::read': { v: '1' },
        read: { v: '2' },
        'other::read': { v: '3' },
      },
      task: { outputs: { read: { v: '1' } } },
      target: { params: { region: 'eu' }, labels: {} },
    });
  });
});
