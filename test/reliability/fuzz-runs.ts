/**
 * How many inputs each property tries: `LOTLINE_FUZZ_RUNS` (default 100, a short CI run) scaled
 * per property; `LOTLINE_FUZZ_REPORT=FILE` appends one JSON line per property with the inputs
 * tried and the wall and CPU time, which is where docs/reliability.md gets its figures.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

const BASE = Number(process.env['LOTLINE_FUZZ_RUNS'] ?? 100);
if (!Number.isInteger(BASE) || BASE < 1) throw new Error(`LOTLINE_FUZZ_RUNS must be a whole number ≥ 1 (got ${process.env['LOTLINE_FUZZ_RUNS']})`);

/** The number of runs for a property that costs `weight` (1: a pure parser; 0.1: a request through the whole server). */
export function fuzzRuns(weight = 1): number {
  return Math.max(5, Math.round(BASE * weight));
}

/** Runs an async property, counting the inputs tried, and records the figures. */
export async function assertProperty<Ts extends [unknown, ...unknown[]]>(name: string, property: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>, runs: number, seed?: number): Promise<number> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const out = await fc.check(property as fc.IAsyncProperty<Ts>, { numRuns: runs, ...(seed !== undefined ? { seed } : {}) });
  const used = process.cpuUsage(cpu);
  const figures = { name, runs: out.numRuns, skipped: out.numSkips, failed: out.failed, wallMs: Math.round(performance.now() - wall), cpuMs: Math.round((used.user + used.system) / 1000) };
  recordFigures(figures);
  if (out.failed) throw new Error(fc.defaultReportMessage(out) ?? `property ${name} failed`);
  return out.numRuns;
}

/** Appends one line of figures to LOTLINE_FUZZ_REPORT, when set. */
export function recordFigures(figures: { name: string; runs: number; wallMs: number; cpuMs: number } & Record<string, unknown>): void {
  if (process.env['LOTLINE_FUZZ_REPORT']) appendFileSync(process.env['LOTLINE_FUZZ_REPORT'], `${JSON.stringify(figures)}\n`);
}
