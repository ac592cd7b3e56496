#!/usr/bin/env node
// Runs a TypeScript file of this repository with the Backstage CLI's own Node
// transform (the one `backstage-cli package start` uses), e.g. the benchmarks.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/run-ts.mjs FILE.ts [args...]');
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  [
    '--require',
    require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    '--expose-gc',
    file,
    ...args,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
