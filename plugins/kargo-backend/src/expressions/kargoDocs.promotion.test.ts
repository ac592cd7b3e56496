import { evaluateTemplate, evaluateTemplateString } from './template';
import { resolveVars } from './resolveVars';
import { promotionVariables } from './promotionVariables';
import { createPromotionFunctions } from './functions';
import {
  docsOutputs as outputs,
  docsScope,
  docsStores as stores,
  freightCollection,
  promotionScope,
} from './__fixtures__/promotionScope';

/*
 * More examples of Kargo's expression reference
 * (docs/docs/50-user-guide/60-reference-docs/40-expressions.md), evaluated
 * over a Promotion like the one they describe, with the results the
 * document gives for them.
 */

const targetFreight = freightCollection[0].name;
const scope = docsScope();

describe("Kargo's expression reference examples: versions and promotion templates", () => {
  it('semverParse(): bumping the minor version read by a task step', async () => {
    const taskScope = promotionScope(
      { ...stores, currentStepAlias: 'bump::update' },
      { outputs: { 'bump::read-version': { currentVersion: '1.4.2' } } },
    );
    await expect(
      evaluateTemplate(
        {
          updates: [
            {
              key: 'version',
              value:
                "${{ semverParse(task.outputs['read-version'].currentVersion).IncMinor().String() }}",
            },
          ],
        },
        taskScope,
      ),
    ).resolves.toEqual({ updates: [{ key: 'version', value: '1.5.0' }] });
  });

  it.each([
    ['1.2.3', '2.0.0', 'Major'],
    ['1.2.3', '1.3.0', 'Minor'],
    ['v1.2.3', '1.2.4', 'Patch'],
    ['1.2.3+build.1', '1.2.3+build.2', 'Metadata'],
    ['1.2.3', 'v1.2.3', 'None'],
    ['1.2.3', 'latest', 'Incomparable'],
  ])('semverDiff(%j, %j) is %s', async (a, b, expected) => {
    await expect(
      evaluateTemplateString(`\${{ semverDiff("${a}", "${b}") }}`, scope),
    ).resolves.toBe(expected);
  });

  it('semverDiff(): the direct-push / pull request example', async () => {
    const run = async (current: string) => {
      const s = promotionScope(stores, {
        vars: {
          imageRepo: 'public.ecr.aws/nginx/nginx',
          gitRepo: 'https://github.com/example/repo.git',
        },
        outputs: { 'read-version': { currentVersion: current } },
      });
      const diff =
        "semverDiff(imageFrom(vars.imageRepo).Tag, outputs['read-version'].currentVersion)";
      return evaluateTemplate(
        {
          directPushIf: `\${{ ${diff} != 'Major' }}`,
          pullRequestIf: `\${{ ${diff} == 'Major' }}`,
          message: `\${{ ${diff} }} update of \${{ vars.imageRepo }}`,
        },
        s,
      );
    };
    await expect(run('1.26.1')).resolves.toEqual({
      directPushIf: true,
      pullRequestIf: false,
      message: 'Minor update of public.ecr.aws/nginx/nginx',
    });
    await expect(run('0.9.0')).resolves.toMatchObject({
      directPushIf: false,
      pullRequestIf: true,
    });
  });

  it('the promotion template example: vars built from ctx, steps from vars and outputs', async () => {
    const functions = createPromotionFunctions({
      freight: freightCollection,
      lookupSecret: async () => undefined,
      lookupConfigMap: async () => undefined,
      freightMetadata: async () => undefined,
      freightStatus: async () => undefined,
      stageMetadata: async () => undefined,
      stepStatuses: () => [],
      onSecretRevealed: () => undefined,
    });
    const base = {
      project: 'kargo-demo',
      stage: 'test',
      promotion: 'test.01j2abcdefghjkmnpqrstvwxyz.f1a2b3c',
      targetFreight: { name: targetFreight, origin: { name: 'my-warehouse' } },
    };
    const vars = await resolveVars(
      [
        [
          { name: 'gitRepo', value: 'https://github.com/example/repo.git' },
          { name: 'srcPath', value: './src' },
          { name: 'outPath', value: './out' },
          { name: 'targetBranch', value: 'stage/${{ ctx.stage }}' },
        ],
      ],
      { variables: promotionVariables(base), functions },
    );
    const stepScope = {
      variables: promotionVariables({ ...base, vars, outputs }),
      functions,
    };
    await expect(
      evaluateTemplate(
        {
          repoURL: '${{ vars.gitRepo }}',
          checkout: [
            { fromFreight: true, path: '${{ vars.srcPath }}' },
            {
              branch: '${{ vars.targetBranch }}',
              create: true,
              path: '${{ vars.outPath }}',
            },
          ],
          kustomizePath: '${{ vars.srcPath }}/stages/${{ ctx.stage }}',
          message: "${{ outputs['update-image'].commitMessage }}",
          apps: [
            {
              name: 'example-${{ ctx.stage }}',
              sources: [
                {
                  repoURL: '${{ vars.gitRepo }}',
                  desiredRevision: '${{ outputs.commit.commit }}',
                },
              ],
            },
          ],
        },
        stepScope,
      ),
    ).resolves.toEqual({
      repoURL: 'https://github.com/example/repo.git',
      checkout: [
        { fromFreight: true, path: './src' },
        { branch: 'stage/test', create: true, path: './out' },
      ],
      kustomizePath: './src/stages/test',
      message: 'Updated nginx to 1.27.0',
      apps: [
        {
          name: 'example-test',
          sources: [
            {
              repoURL: 'https://github.com/example/repo.git',
              desiredRevision: 'abc1234def',
            },
          ],
        },
      ],
    });
  });
});
