import { branchMoved } from './pushBranch';

describe('branchMoved', () => {
  it.each([
    [
      'a non-fast-forward rejection',
      ' ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs',
    ],
    [
      'a plain git server that lost the race for the ref (git 2.39 receive-pack)',
      [
        "remote: error: cannot lock ref 'refs/heads/main': is at 3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a but expected 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
        'To http://127.0.0.1:41235/gitops.git',
        ' ! [remote rejected] HEAD -> main (failed to update ref)',
        "error: failed to push some refs to 'http://127.0.0.1:41235/gitops.git'",
      ].join('\n'),
    ],
  ])('is true for %s', (_what, stderr) => {
    expect(branchMoved(stderr)).toBe(true);
  });

  it.each([
    [
      'a hook refusing the push',
      ' ! [remote rejected] HEAD -> main (pre-receive hook declined)',
    ],
    [
      'a ref update failing for another reason (disk full)',
      [
        'remote: error: unable to write file: No space left on device',
        ' ! [remote rejected] HEAD -> main (failed to update ref)',
      ].join('\n'),
    ],
    ['an authentication failure', 'fatal: Authentication failed for …'],
  ])('is false for %s', (_what, stderr) => {
    expect(branchMoved(stderr)).toBe(false);
  });
});
