import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { parseRepoUrl } from './repoUrl';

describe('parseRepoUrl', () => {
  it.each([
    ['https://github.com/acme/app.git', 'github.com', 'acme/app'],
    ['https://github.com/acme/app/', 'github.com', 'acme/app'],
    [
      'https://GitLab.example.com:8443/group/sub/app.git',
      'gitlab.example.com:8443',
      'group/sub/app',
    ],
    ['ssh://git@github.com/acme/app.git', 'github.com', 'acme/app'],
    ['git@gitlab.com:group/app.git', 'gitlab.com', 'group/app'],
  ])('reads %s', (url, host, path) => {
    expect(parseRepoUrl(url)).toEqual({ host, path });
  });

  it.each(['not a url', 'https://github.com/acme', 'file:///tmp/repo.git'])(
    'refuses %s',
    url => {
      expect(() => parseRepoUrl(url)).toThrow(TerminalStepError);
    },
  );
});
