/**
 * What every test that needs an outside server (PostgreSQL, the OCI
 * registry, command-line tools) does when it is missing: the tests skip and
 * say so loudly; under a real CI run (KARGO_TEST_STRICT=1) they fail.
 * scripts/test-servers.sh starts the servers.
 */
export function reportMissingServer(message: string): void {
  if (process.env.KARGO_TEST_STRICT === '1') {
    throw new Error(`${message} (CI: a missing server is a failure)`);
  }
  // eslint-disable-next-line no-console
  console.warn(`!!! ${message}`);
}

/**
 * The registry scripts/test-servers.sh starts (KARGO_TEST_REGISTRY,
 * host:port) when it is set and answers `GET /v2/` with 200 within 3 s;
 * otherwise why not.
 */
export async function probeTestRegistry(): Promise<
  { host: string } | { problem: string }
> {
  const host = process.env.KARGO_TEST_REGISTRY;
  if (!host) return { problem: 'KARGO_TEST_REGISTRY is not set' };
  try {
    const res = await fetch(`http://${host}/v2/`, {
      signal: AbortSignal.timeout(3000),
    });
    if (res.status !== 200) {
      return { problem: `registry ${host} answered ${res.status} to /v2/` };
    }
  } catch (e) {
    return {
      problem: `registry ${host} does not answer (${(e as Error).message})`,
    };
  }
  return { host };
}
