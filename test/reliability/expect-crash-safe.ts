/** The assertions every crash series must pass, with messages that say what was lost. */
import { expect } from 'vitest';
import type { CrashFigures } from './crash-harness.js';
import { crashKills, crashSeed, crashSeries } from './crash-harness.js';

export function expectCrashSafe(f: CrashFigures): void {
  expect(f.unexpected, 'answers other than 2xx, a refused connection or 503').toEqual([]);
  expect(f.eventsAcked, 'the writers got events acknowledged').toBeGreaterThan(0);
  expect(f.missing, `acknowledged but not stored (seed ${f.seed})`).toEqual([]);
  expect(f.eventsFound).toBe(f.eventsAcked);
  expect(f.duplicates, 'eventIDs logged more than once').toBe(0);
  expect(f.phantoms, 'stored, but no writer sent them').toEqual([]);
  // a request sent again after a kill is answered like the first time: stored, or the original (duplicate)
  for (const status of Object.keys(f.retryStatuses)) expect(['stored', 'duplicate', 'declared']).toContain(status);
  expect(f.verify.ok, 'the hash chain verifies').toBe(true);
  expect(f.check.differences, 'rebuild --check: projections equal a rebuild from the log').toEqual([]);
  expect(f.check.head).toBe(f.verify.entries);
}

/**
 * One crash series as CI runs it on either store (5 kills unless LOTLINE_CRASH_KILLS says more):
 * three HTTP writers and one MQTT publisher, the seed printed to repeat it, then every assertion.
 */
export async function runCrashCase(label: string, db: string, storedIds: () => Promise<Map<string, number>>): Promise<void> {
  const seed = crashSeed();
  const kills = crashKills(5);
  console.log(`${label}: seed ${seed}, ${kills} kills (repeat with LOTLINE_CRASH_SEED=${seed})`);
  const figures = await crashSeries({
    db,
    kills,
    seed,
    httpWriters: 3,
    mqttPublishers: 1,
    mqttIntervalMs: 250,
    upMs: [300, 2500],
    startupKillShare: 0.15,
    storedIds,
    log: (line) => console.log(`${label}: ${line}`),
  });
  console.log(`${label} figures: ${JSON.stringify({ ...figures, check: { head: figures.check.head, entries: figures.check.entries, differences: figures.check.differences.length } })}`);
  expectCrashSafe(figures);
}
