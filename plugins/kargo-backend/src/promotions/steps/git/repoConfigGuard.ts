import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LruCache } from '../../../warehouses/discovery/registry/lruCache';
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

/**
 * Settings the git steps read from the repository; the last four tell
 * whether the working tree is where its `.git` is (core.worktree,
 * core.bare) and whether other files feed the configuration (includes).
 */
const READ = [
  'remote\\.origin\\.url',
  'user\\.name',
  'user\\.email',
  'core\\.worktree',
  'core\\.bare',
  'include\\..*',
  'includeif\\..*',
];
const PATTERN = `^(${[...DANGEROUS_CONFIG, ...READ].join('|')})$`;
const DANGEROUS = new RegExp(`^(${DANGEROUS_CONFIG.join('|')})$`);

/** What the git steps use of a repository's configuration. */
export type RepositorySettings = {
  /** remote.origin.url, if set. */
  originURL?: string;
  /** user.name and user.email, if set (git-clone writes them). */
  name?: string;
  email?: string;
  /** core.worktree is set: the tree is not where its `.git` is. */
  worktreeSet: boolean;
  /** core.bare=true (also seen from a linked working tree of a bare clone). */
  bare: boolean;
  /** Include directives: files beyond the repository's own feed it. */
  includes: boolean;
};

/**
 * Reads the settings the git steps use, in the same git process that
 * refuses a repository whose own configuration (its config files and any
 * file they include; not this code's command-line settings) holds one of
 * the settings above. A setting given more than once counts with its last
 * value, as `git config --get` reads it; values are trimmed, and an empty
 * one counts as unset.
 */
export async function readRepositoryConfig(
  session: GitSession,
  cwd: string,
  path: string,
): Promise<RepositorySettings> {
  // -z: "scope NUL key LF value NUL" per entry, values verbatim.
  const result = await session.exec(
    ['config', '-z', '--show-scope', '--get-regexp', PATTERN],
    { cwd, operation: `reading the configuration of ${path}` },
  );
  const fields = result.stdout.split('\0');
  const dangerous: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i];
    const entry = fields[i + 1];
    const lf = entry.indexOf('\n');
    const key = lf < 0 ? entry : entry.slice(0, lf);
    const value = lf < 0 ? '' : entry.slice(lf + 1);
    if (DANGEROUS.test(key)) {
      if (['local', 'worktree'].includes(scope)) dangerous.push(key);
    } else {
      values.set(key, value);
    }
  }
  if (dangerous.length > 0) {
    throw new TerminalStepError(
      `path: the repository of "${path}" sets ${dangerous.join(
        ', ',
      )}, which could run commands or send its remote traffic and credentials elsewhere; git-clone never sets it, so something else in the work directory did: refusing to use it`,
    );
  }
  const get = (key: string) => values.get(key)?.trim() || undefined;
  return {
    originURL: get('remote.origin.url'),
    name: get('user.name'),
    email: get('user.email'),
    worktreeSet: values.has('core.worktree'),
    bare: get('core.bare')?.toLowerCase() === 'true',
    includes: [...values.keys()].some(k => /^include(if)?\./.test(k)),
  };
}

/** At most this many repositories' settings are remembered. */
const MAX_CACHED = 500;

/**
 * Remembers each repository's settings with the identity (inode, size,
 * change time) of the files they came from, so that a step reading an
 * unchanged configuration again (git-push after git-commit) starts no git
 * process for it. A configuration with include directives is never
 * remembered: the files it includes are not watched.
 */
export class RepositoryConfigCache {
  private readonly entries = new LruCache<{
    stamp: string;
    settings: RepositorySettings;
  }>(MAX_CACHED);

  async read(
    session: GitSession,
    location: { gitDir: string; commonDir: string; dir: string },
    path: string,
  ): Promise<RepositorySettings> {
    const key = `${location.commonDir}\n${location.gitDir}`;
    // Taken before the read: a write during it makes the next one differ.
    const stamp = await configStamp(location);
    const cached = this.entries.get(key);
    if (cached && cached.stamp === stamp) return cached.settings;
    const settings = await readRepositoryConfig(session, location.dir, path);
    if (settings.includes) this.entries.delete(key);
    else this.entries.set(key, { stamp, settings });
    return settings;
  }
}

async function configStamp(location: {
  gitDir: string;
  commonDir: string;
}): Promise<string> {
  const files = [
    join(location.commonDir, 'config'),
    join(location.commonDir, 'config.worktree'),
    join(location.gitDir, 'config.worktree'),
  ];
  const stats = await Promise.all(
    files.map(f => stat(f, { bigint: true }).catch(() => undefined)),
  );
  return stats
    .map(s => (s ? `${s.ino}:${s.size}:${s.ctimeNs}:${s.mtimeNs}` : '-'))
    .join('|');
}
