import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitStepsHarness } from './__testUtils__/gitStepsHarness';
import { startSelfSignedProxy } from './__testUtils__/tlsProxy';

describe('insecureSkipTLSVerify', () => {
  let h: GitStepsHarness;
  let proxy: { url: string; close(): Promise<void> };

  beforeEach(async () => {
    h = new GitStepsHarness();
    h.fixture.commit({ message: 'base', files: { 'a.txt': 'a\n' } });
    h.fixture.push();
    await h.start();
    proxy = await startSelfSignedProxy(h.server.url);
    h.otherURLs.push(proxy.url);
  });

  afterEach(async () => {
    await proxy.close();
    await h.cleanup();
  });

  it('refuses an untrusted certificate unless set; then clone and push both skip the check', async () => {
    const repoURL = `${proxy.url}/repo.git`;
    await expect(
      h.run('git-clone', { repoURL, checkout: [{ path: 'strict' }] }),
    ).rejects.toThrow(/TLS certificate that could not be verified/);

    await h.run(
      'git-clone',
      {
        repoURL,
        insecureSkipTLSVerify: true,
        checkout: [{ branch: 'main', path: 'out' }],
      },
      { alias: 'insecure' },
    );
    await writeFile(join(h.workDir, 'out/a.txt'), 'changed\n');
    const { output } = await h.run('git-commit', { path: 'out', message: 'm' });
    const pushed = await h.run('git-push', { path: 'out' });
    expect(pushed.output).toMatchObject({
      branch: 'main',
      commit: output!.commit,
    });
    expect(h.remote('rev-parse', 'main')).toBe(output!.commit);
  });
});
