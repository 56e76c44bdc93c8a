/**
 * Crash safety on SQLite (issue 10): `lotline serve` over a real SQLite file, capturing over HTTP
 * (several writers) and MQTT (QoS 1 through the real Mosquitto), is killed with SIGKILL at seeded
 * random moments and restarted, LOTLINE_CRASH_KILLS times (5 here by default, 100 for the
 * figures in docs/reliability.md). Then: every acknowledged event is stored exactly once, nothing
 * is stored that nobody sent, retries of unacknowledged requests were answered 2xx, the hash chain
 * verifies and `lotline rebuild --check` finds no difference.
 *
 * Repeat a run with LOTLINE_CRASH_SEED=<the seed it printed>.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, it } from 'vitest';
import { brokerSkipReason } from './broker.js';
import { runCrashCase } from './expect-crash-safe.js';

const skip = await brokerSkipReason();

function storedIds(db: string): () => Promise<Map<string, number>> {
  return async () => {
    const d = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const rows = d.prepare("SELECT entry_kind, event_id, count(*) AS n FROM log GROUP BY entry_kind, event_id").all() as { entry_kind: string; event_id: string; n: number }[];
      return new Map(rows.map((r) => [r.entry_kind === 'event' ? r.event_id : `declaration:${r.event_id}`, r.n]));
    } finally {
      d.close();
    }
  };
}

describe.skipIf(skip !== undefined)(`crash safety on SQLite${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('keeps every acknowledged event, once, through SIGKILLs under HTTP and MQTT capture', { timeout: 3_600_000 }, async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'lotline-crash-')), 'plant.db');
    await runCrashCase('crash-sqlite', db, storedIds(db));
  });
});
