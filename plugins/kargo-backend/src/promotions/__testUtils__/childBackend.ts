/**
 * A real Backstage backend with only the Kargo plugin, for tests that run
 * the backend as a child process and kill it (the crash test). It is the
 * production assembly (`createBackend()` from backend-defaults: real
 * database, scheduler, auth, HTTP server); the test passes its config with
 * `--config FILE` (listen address, database, a static access token, a short
 * `kargo.promotions.leaseDuration`).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs childBackend.ts --config app-config.yaml
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('../../index'));
backend.start().catch(error => {
  process.stderr.write(`backend failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
