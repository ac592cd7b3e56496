import { validateManifest } from '../validateManifest';

const origin = { kind: 'Warehouse', name: 'w' };

const stage = (spec: Record<string, unknown>) => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Stage',
  metadata: { name: 'test', namespace: 'demo' },
  spec: {
    requestedFreight: [{ origin, sources: { direct: true } }],
    ...spec,
  },
});

const withSteps = (steps: unknown[]) =>
  stage({ promotionTemplate: { spec: { steps } } });

const issuesOf = (doc: unknown) => {
  const result = validateManifest(doc);
  if (result.ok) throw new Error('expected the manifest to be rejected');
  return result.issues;
};

describe('Stage', () => {
  it('accepts a control-flow Stage (no promotion template)', () => {
    const result = validateManifest(
      stage({
        requestedFreight: [{ origin, sources: { stages: ['a', 'b'] } }],
      }),
    );
    expect(result.ok).toBe(true);
  });

  describe('requestedFreight', () => {
    it('needs at least one source', () => {
      expect(
        issuesOf(
          stage({
            requestedFreight: [
              { origin, sources: {} },
              {
                origin: { kind: 'Warehouse', name: 'x' },
                sources: { direct: false, stages: [] },
              },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.requestedFreight[0].sources',
          message: 'at least one of direct or stages is required',
        },
        {
          path: 'spec.requestedFreight[1].sources',
          message: 'at least one of direct or stages is required',
        },
      ]);
    });

    it('allows MatchUpstream only with exactly one upstream stage and no direct source', () => {
      const sources = (s: Record<string, unknown>) =>
        stage({
          requestedFreight: [
            {
              origin,
              sources: {
                ...s,
                autoPromotionOptions: { selectionPolicy: 'MatchUpstream' },
              },
            },
          ],
        });
      expect(issuesOf(sources({ stages: ['a', 'b'] }))).toEqual([
        {
          path: 'spec.requestedFreight[0].sources.autoPromotionOptions.selectionPolicy',
          message: 'MatchUpstream requires exactly one upstream stage',
        },
      ]);
      expect(issuesOf(sources({ direct: true, stages: ['a'] }))).toEqual([
        {
          path: 'spec.requestedFreight[0].sources.autoPromotionOptions.selectionPolicy',
          message:
            'MatchUpstream cannot be used when accepting Freight directly from its origin',
        },
      ]);
      expect(validateManifest(sources({ stages: ['a'] })).ok).toBe(true);
    });

    it('checks enums, soak time and duplicate origins', () => {
      expect(
        issuesOf(
          stage({
            requestedFreight: [
              {
                origin: { kind: 'Stage', name: 'w' },
                sources: {
                  direct: true,
                  availabilityStrategy: 'Any',
                  requiredSoakTime: '30',
                },
              },
              { origin, sources: { direct: true } },
              { origin, sources: { direct: true, availabilityStrategy: '' } },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.requestedFreight[0].origin.kind',
          message: 'must be Warehouse',
        },
        {
          path: 'spec.requestedFreight[0].sources.requiredSoakTime',
          message: 'must be a duration such as 5m0s (units h, m, s)',
        },
        {
          path: 'spec.requestedFreight[0].sources.availabilityStrategy',
          message: 'must be one of All, OneOf, ""',
        },
      ]);
      expect(
        issuesOf(
          stage({
            requestedFreight: [
              { origin, sources: { direct: true } },
              { origin, sources: { stages: ['x'] } },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.requestedFreight[1].origin',
          message:
            'Warehouse/w is already requested by spec.requestedFreight[0]',
        },
      ]);
    });
  });

  describe('promotion template steps', () => {
    it('require exactly one of uses or task', () => {
      expect(
        issuesOf(
          withSteps([
            { uses: 'git-clone', task: { name: 't' } },
            { as: 'nothing' },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.promotionTemplate.spec.steps[0]',
          message: 'must have exactly one of uses or task',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[1]',
          message: 'must have exactly one of uses or task',
        },
      ]);
    });

    it('forbid continueOnError, retry, if and config on task steps', () => {
      expect(
        issuesOf(
          withSteps([
            {
              task: { name: 'my-task', kind: 'ClusterPromotionTask' },
              continueOnError: false,
              retry: { errorThreshold: 3 },
              if: '${{ true }}',
              config: { a: 1 },
            },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.promotionTemplate.spec.steps[0].continueOnError',
          message: 'must not be set on a step that references a task',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[0].retry',
          message: 'must not be set on a step that references a task',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[0].if',
          message: 'must not be set on a step that references a task',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[0].config',
          message: 'must not be set on a step that references a task',
        },
      ]);
    });

    it('require unique, non-reserved aliases', () => {
      expect(
        issuesOf(
          withSteps([
            { uses: 'git-clone', as: 'clone' },
            { uses: 'git-clone', as: ' clone ' },
            { task: { name: 't' }, as: 'task-1' },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.promotionTemplate.spec.steps[1].as',
          message:
            'alias "clone" is already used by spec.promotionTemplate.spec.steps[0]',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[2].as',
          message:
            'alias "task-1" is reserved (Kargo names unnamed steps step-<n> and task-<n>)',
        },
      ]);
    });

    it('check task references, retry, vars and config', () => {
      expect(
        issuesOf(
          withSteps([
            { task: { name: 'My Task', kind: 'Task' } },
            {
              uses: 'http',
              retry: { timeout: '5 minutes', errorThreshold: -1 },
              vars: [{ name: '1st', value: 'x' }],
              config: 'url',
            },
            { uses: '' },
          ]),
        ),
      ).toEqual([
        {
          path: 'spec.promotionTemplate.spec.steps[0].task.name',
          message:
            'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[0].task.kind',
          message: 'must be one of PromotionTask, ClusterPromotionTask',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[1].retry.timeout',
          message: 'must be a duration such as 5m0s',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[1].retry.errorThreshold',
          message: 'must be at least 0',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[1].vars[0].name',
          message:
            'must start with a letter or "_" and contain only letters, digits and "_"',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[1].config',
          message: 'must be an object',
        },
        {
          path: 'spec.promotionTemplate.spec.steps[2].uses',
          message: 'must not be empty',
        },
      ]);
    });

    it('need at least one step when steps are given', () => {
      expect(issuesOf(withSteps([]))).toEqual([
        {
          path: 'spec.promotionTemplate.spec.steps',
          message: 'must have at least 1 item',
        },
      ]);
    });

    it('accept Go durations such as 90s or 1m30s for retry.timeout', () => {
      const result = validateManifest(
        withSteps([
          {
            uses: 'argocd-update',
            retry: { timeout: '1m30.5s', errorThreshold: 3 },
          },
        ]),
      );
      expect(result.ok).toBe(true);
    });
  });

  describe('verification and targets', () => {
    it('checks analysis template references and args', () => {
      expect(
        issuesOf(
          stage({
            verification: {
              analysisTemplates: [{ name: 'a', kind: 'Template' }, {}],
              args: [{ name: 'x' }],
            },
          }),
        ),
      ).toEqual([
        {
          path: 'spec.verification.analysisTemplates[0].kind',
          message: 'must be one of AnalysisTemplate, ClusterAnalysisTemplate',
        },
        {
          path: 'spec.verification.analysisTemplates[1].name',
          message: 'required',
        },
        { path: 'spec.verification.args[0].value', message: 'required' },
      ]);
    });

    it('accepts target selectors', () => {
      const result = validateManifest(
        stage({
          targets: {
            selectors: [
              { matchLabels: { region: 'eu' } },
              {
                matchExpressions: [
                  { key: 'tier', operator: 'In', values: ['a'] },
                ],
              },
            ],
          },
        }),
      );
      expect(result.ok).toBe(true);
      expect(issuesOf(stage({ targets: {} }))).toEqual([
        { path: 'spec.targets.selectors', message: 'required' },
      ]);
    });
  });
});
