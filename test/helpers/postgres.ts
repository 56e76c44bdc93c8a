/**
 * PostgreSQL for tests: `LOTLINE_TEST_PG` names the server (.ci/run sets it to the local one).
 * Each store gets its own schema, dropped when the file's tests end, so runs never see each other.
 * Without the variable the PostgreSQL cases are skipped with that reason — except in CI, where a
 * missing server is a failure.
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { dropPostgresSchema } from '../../src/store/postgres/open-postgres-store.js';

export const PG_URL = process.env['LOTLINE_TEST_PG'];

/** Why the PostgreSQL cases do not run here, or undefined when they do; throws in CI without a server. */
export function pgSkipReason(): string | undefined {
  if (PG_URL) return undefined;
  if (process.env['CI']) throw new Error('LOTLINE_TEST_PG is not set: in CI the PostgreSQL tests must run (.ci/run sets it)');
  return 'LOTLINE_TEST_PG is not set (no PostgreSQL server to test against; .ci/run sets it)';
}

const created: string[] = [];
// Registered when a test file imports this helper: the file's schemas go when its tests end.
afterAll(async () => {
  for (const url of created.splice(0)) await dropPostgresSchema(url);
});

/** A URL for a new, empty schema of the test server; it is dropped after the file's tests. */
export function freshPgUrl(label = 't'): string {
  if (!PG_URL) throw new Error('LOTLINE_TEST_PG is not set');
  const url = new URL(PG_URL);
  url.searchParams.set('schema', `lt_${label}_${process.pid}_${randomBytes(4).toString('hex')}`);
  created.push(url.toString());
  return url.toString();
}
