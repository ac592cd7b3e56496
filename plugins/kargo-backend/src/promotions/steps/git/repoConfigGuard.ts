import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { GitSession } from './gitSession';

/*
 * Repository settings that make git run a command or send its remote
 * traffic (and the credentials it hands out) somewhere other than
 * `remote.origin.url`. git-clone never sets any of them, and the step
 * config offers no way to; found in a repository, they were written by
 * something else in the Promotion's work directory (another step writes
 * files, and the clones live there too). The command line cannot unset a
 * whole family such as `filter.<driver>.clean`, so their presence is
 * refused instead.
 */
const DANGEROUS_CONFIG = [
  'url\\..*\\.(insteadof|pushinsteadof)',
  'remote\\.origin\\.(pushurl|proxy|receivepack|uploadpack|vcs)',
  'http\\.(.*\\.)?(proxy|extraheader|cookiefile)',
  'core\\.(gitproxy|askpass|sshcommand|pager|editor|alternaterefscommand)',
  'credential\\..*',
  'filter\\..*\\.(clean|smudge|process)',
  'diff\\.external',
  'diff\\..*\\.(command|textconv)',
  'merge\\..*\\.driver',
  'gpg\\.(.*\\.)?program',
  'sequence\\.editor',
  'protocol\\.(.*\\.)?allow',
];
const PATTERN = `^(${DANGEROUS_CONFIG.join('|')})$`;

/**
 * Refuses a repository whose own configuration (its config files and any
 * file they include; not this code's command-line settings) holds one of
 * the settings above.
 */
export async function assertSafeRepositoryConfig(
  session: GitSession,
  cwd: string,
  path: string,
): Promise<void> {
  const result = await session.exec(
    ['config', '--show-scope', '--name-only', '--get-regexp', PATTERN],
    { cwd, operation: `reading the configuration of ${path}` },
  );
  const keys = result.stdout
    .split('\n')
    .map(line => line.split('\t'))
    .filter(([scope, key]) => key && ['local', 'worktree'].includes(scope))
    .map(([, key]) => key);
  if (keys.length > 0) {
    throw new TerminalStepError(
      `path: the repository of "${path}" sets ${keys.join(
        ', ',
      )}, which could run commands or send its remote traffic and credentials elsewhere; git-clone never sets it, so something else in the work directory did: refusing to use it`,
    );
  }
}
