import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Request, Response } from 'express';

const run = promisify(execFile);

/** `git --git-dir <repo> …`, its stdout, or undefined when git fails. */
async function gitOutput(repo: string, ...args: string[]) {
  try {
    const { stdout } = await run('git', ['--git-dir', repo, ...args], {
      timeout: 5000,
    });
    return stdout;
  } catch {
    return undefined;
  }
}

/**
 * The demo's stand-in for a deployed guestbook's smoke test, which the demo
 * pipeline's `web` analysis asks after each Promotion: it reads which
 * guestbook commit the environment runs (`app.revision` in the GitOps
 * repository) and fails when that commit's message says `[broken]`, so a
 * newcomer can watch a verification fail by committing such a change.
 */
export function smokeCheck(root: string) {
  return async (req: Request, res: Response) => {
    const env = req.params.env;
    if (!/^[a-z0-9-]+$/.test(env)) {
      res.status(400).json({ ok: false, reason: 'unknown environment' });
      return;
    }
    const values = await gitOutput(
      join(root, 'guestbook-gitops.git'),
      'show',
      `main:env/${env}/values.yaml`,
    );
    const revision = values?.match(/^\s*revision:\s*([0-9a-f]{7,40})\b/m)?.[1];
    if (!revision) {
      res.json({ ok: false, env, reason: `nothing deployed in ${env}` });
      return;
    }
    const message = await gitOutput(
      join(root, 'guestbook-src.git'),
      'log',
      '-1',
      '--format=%B',
      revision,
    );
    const broken = message === undefined || message.includes('[broken]');
    res.json({
      ok: !broken,
      env,
      revision,
      ...(broken
        ? {
            reason:
              message === undefined
                ? `commit ${revision} is not in guestbook-src`
                : `commit ${revision} is marked [broken]`,
          }
        : {}),
    });
  };
}
