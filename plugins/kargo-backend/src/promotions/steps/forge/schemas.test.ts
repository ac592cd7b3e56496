import Ajv from 'ajv';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createForgeSteps } from '.';

const steps = createForgeSteps({
  integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
});
const ajv = new Ajv({ allErrors: true, strict: false });
const validator = (name: string) => {
  const step = steps.find(s => s.name === name)!;
  return ajv.compile(step.configSchema!);
};

describe('pull-request step config schemas', () => {
  it('registers the three Kargo step names', () => {
    expect(steps.map(s => s.name)).toEqual([
      'git-open-pr',
      'git-wait-for-pr',
      'git-merge-pr',
    ]);
  });

  it('git-open-pr accepts the Kargo docs examples and refuses bad configs', () => {
    const valid = validator('git-open-pr');
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        sourceBranch: 'kargo/promotion/abc',
        targetBranch: 'stage/dev',
        title: 'Deploy to dev',
        labels: ['infra', 'needs-review'],
      }),
    ).toBe(true);
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        createTargetBranch: true,
        sourceBranch: 'a',
        targetBranch: 'b',
        provider: 'gitlab',
        insecureSkipTLSVerify: false,
        description: 'why',
      }),
    ).toBe(true);
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        sourceBranch: 'a',
      }),
    ).toBe(false);
    expect(
      valid({ repoURL: 'x', sourceBranch: 'a', targetBranch: 'b', title: '' }),
    ).toBe(false);
    expect(
      valid({
        repoURL: 'x',
        sourceBranch: 'a',
        targetBranch: 'b',
        labels: [''],
      }),
    ).toBe(false);
    expect(
      valid({
        repoURL: 'x',
        sourceBranch: 'a',
        targetBranch: 'b',
        provider: 'gogs',
      }),
    ).toBe(false);
    expect(
      valid({
        repoURL: 'x',
        sourceBranch: 'a',
        targetBranch: 'b',
        reviewers: ['me'],
      }),
    ).toBe(false);
  });

  it('git-wait-for-pr accepts the Kargo docs example and refuses bad configs', () => {
    const valid = validator('git-wait-for-pr');
    expect(
      valid({ repoURL: 'https://github.com/example/repo.git', prNumber: 42 }),
    ).toBe(true);
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        prNumber: 42,
        pollInterval: '1m30s',
      }),
    ).toBe(true);
    expect(
      valid({ repoURL: 'https://github.com/example/repo.git', prNumber: 0 }),
    ).toBe(false);
    expect(
      valid({ repoURL: 'https://github.com/example/repo.git', prNumber: '42' }),
    ).toBe(false);
    expect(
      valid({ repoURL: 'https://github.com/example/repo.git', prNumber: 4.2 }),
    ).toBe(false);
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        prNumber: 1,
        pollInterval: 'soon',
      }),
    ).toBe(false);
    expect(valid({ prNumber: 1 })).toBe(false);
  });

  it('git-merge-pr accepts the Kargo docs examples and refuses bad configs', () => {
    const valid = validator('git-merge-pr');
    expect(
      valid({ repoURL: 'https://github.com/example/repo.git', prNumber: 42 }),
    ).toBe(true);
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        prNumber: 42,
        wait: true,
      }),
    ).toBe(true);
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        prNumber: 42,
        mergeMethod: 'squash',
      }),
    ).toBe(true);
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        prNumber: 42,
        mergeMethod: '',
      }),
    ).toBe(false);
    expect(
      valid({
        repoURL: 'https://github.com/example/repo.git',
        prNumber: 42,
        wait: 'yes',
      }),
    ).toBe(false);
    expect(valid({ repoURL: '', prNumber: 42 })).toBe(false);
  });
});
