import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { reportMissingServer } from './testServers';

const POSTGRES_VAR =
  /^BACKSTAGE_TEST_DATABASE_POSTGRES(\d+)_CONNECTION_STRING$/;

/**
 * The databases every store and router test runs on: SQLite always, and each
 * PostgreSQL server named by a BACKSTAGE_TEST_DATABASE_POSTGRES<major>_...
 * variable (scripts/test-servers.sh starts one). Without PostgreSQL the tests
 * say so loudly; under a real CI run (KARGO_TEST_STRICT=1) they fail.
 */
export function createTestDatabases(): TestDatabases {
  const postgres = Object.keys(process.env)
    .map(key => POSTGRES_VAR.exec(key)?.[1])
    .filter(Boolean)
    .map(major => `POSTGRES_${major}` as TestDatabaseId);
  if (!postgres.length) {
    const message =
      'PostgreSQL is not available: these tests run on SQLite only. Start it with `npm run servers` (scripts/test-servers.sh) and run `npm test` again.';
    reportMissingServer(message);
  }
  return TestDatabases.create({
    ids: [...postgres, 'SQLITE_3'],
    disableDocker: true,
  });
}
