import { reportMissingServer } from '../../../../__testUtils__/testServers';
import { findBinary } from '../../binaries';

/**
 * `binary`'s path for tests that run it; missing, a loud warning (a
 * failure under KARGO_TEST_STRICT=1) and undefined: the caller's tests
 * return early, as the other server-dependent tests do.
 */
export async function findToolForTests(
  binary: string,
  what: string,
): Promise<string | undefined> {
  const path = await findBinary(binary);
  if (!path) {
    reportMissingServer(
      `\`${binary}\` is not on PATH: ${what} are skipped. Install it with \`npm run servers\` (scripts/test-servers.sh) and run the tests again.`,
    );
  }
  return path;
}

/** Runs `fn` with PATH set to `path` (e.g. empty), restoring it after. */
export async function withPath<T>(path: string, fn: () => Promise<T>) {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}
