/**
 * "Settled": no Stage of kargo_stage_queue is due (due_at ≤ now) or claimed
 * (owner set), and no Promotion of kargo_promotion_queue is open
 * (done = false). Stages waiting on a later poll (due_at in the future) do
 * not count: that is the engine at rest.
 */
import type { Knex } from 'knex';
import { now } from '../measure';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function isSettled(knex: Knex): Promise<boolean> {
  const wall = Date.now();
  const [busy] = await knex('kargo_stage_queue')
    .where(q => q.where('due_at', '<=', wall).orWhereNotNull('owner'))
    .count({ n: '*' });
  if (Number(busy.n)) return false;
  const [open] = await knex('kargo_promotion_queue')
    .where({ done: false })
    .count({ n: '*' });
  return !Number(open.n);
}

/** Names of the Stages `freight` is verified in. */
export async function verifiedIn(
  knex: Knex,
  project: string,
  freight: string,
): Promise<string[]> {
  const row = await knex('kargo_resources')
    .where({ kind: 'Freight', project, name: freight })
    .first('status');
  return Object.keys(JSON.parse(row?.status ?? '{}').verifiedIn ?? {});
}

/**
 * Polls `done` every `pollMs` until it holds on `confirmations` polls in a
 * row; answers when it first held (ms, from now()), or throws after
 * `timeoutMs`.
 */
export async function waitFor(
  done: () => Promise<boolean>,
  options: { pollMs: number; timeoutMs: number; confirmations?: number },
): Promise<number> {
  const deadline = now() + options.timeoutMs;
  let first: number | undefined;
  let seen = 0;
  while (now() < deadline) {
    const at = now();
    if (await done()) {
      first ??= at;
      if (++seen >= (options.confirmations ?? 1)) return first;
    } else {
      first = undefined;
      seen = 0;
    }
    await sleep(options.pollMs);
  }
  throw new Error(`not settled after ${options.timeoutMs / 1000} s`);
}
