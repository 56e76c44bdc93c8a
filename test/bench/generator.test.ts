import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePlant, gs1CheckDigit } from '../../bench/plant/generate-plant.js';
import type { PlantManifest } from '../../bench/plant/generate-plant.js';
import { PRESETS } from '../../bench/plant/presets.js';
import { writePlant } from '../../bench/plant/write-plant.js';
import { importFile } from '../../src/capture/import-file.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';

const tiny = { ...PRESETS.small, days: 6 };

function digest(params: typeof tiny): string {
  const h = createHash('sha256');
  for (const line of generatePlant(params)) h.update(JSON.stringify(line) + '\n');
  return h.digest('hex');
}

// hashes, not buffers: comparing megabytes element by element is slow in the test runner
function fileHash(f: string): string {
  return createHash('sha256').update(readFileSync(f)).digest('hex');
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lotline-gen-'));
}

describe('plant generator', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', async () => {
    expect(digest(tiny)).toBe(digest(tiny));
    expect(digest({ ...tiny, seed: 2 })).not.toBe(digest(tiny));
    const dir = tempDir();
    const a = await writePlant(tiny, join(dir, 'a'), 'ndjson');
    const b = await writePlant(tiny, join(dir, 'b'), 'ndjson');
    expect(fileHash(a.files[0]!)).toBe(fileHash(b.files[0]!));
    const ea = await writePlant(tiny, join(dir, 'ea'), 'epcis', 700);
    const eb = await writePlant(tiny, join(dir, 'eb'), 'epcis', 700);
    expect(ea.files.length).toBeGreaterThan(1);
    expect(ea.files.map(fileHash)).toEqual(eb.files.map(fileHash));
  });

  it('writes valid GS1 numbers: GTIN-14 and SSCC check digits', () => {
    expect(gs1CheckDigit('00614141261000001')).toBe(7); // SSCC 006141412610000017, the README's pallet
    expect(gs1CheckDigit('0061414110011')).toBe(8); // 00614141100118, the README's biscuit GTIN
    const seen = { gtin: 0, sscc: 0 };
    for (const line of generatePlant(tiny)) {
      const json = JSON.stringify(line);
      for (const m of json.matchAll(/"gtin":"(\d+)"/g)) {
        expect(m[1]).toHaveLength(14);
        expect(Number(m[1]!.at(-1))).toBe(gs1CheckDigit(m[1]!.slice(0, 13)));
        seen.gtin++;
      }
      for (const m of json.matchAll(/"sscc":"(\d+)"/g)) {
        expect(m[1]).toHaveLength(18);
        expect(Number(m[1]!.at(-1))).toBe(gs1CheckDigit(m[1]!.slice(0, 17)));
        seen.sscc++;
      }
    }
    expect(seen.gtin).toBeGreaterThan(100);
    expect(seen.sscc).toBeGreaterThan(100);
  });

  it('has every feature the issue asks for: late events, rework, continuous runs, holds, error declarations', () => {
    const holder: { manifest?: PlantManifest } = {};
    let batches = 0;
    let declarations = 0;
    let holds = 0;
    let outOfOrder = 0;
    let last = '';
    for (const line of generatePlant({ ...PRESETS.small, reworkRate: 0.2, errorRate: 0.05 }, holder)) {
      if (line['batch'] !== undefined) batches++;
      if (line['errorDeclaration'] !== undefined) declarations++;
      if (line['cmd'] === 'hold') holds++;
      const t = String(line['time'] ?? line['eventTime']);
      if (Date.parse(t) < Date.parse(last) - 2 * 86_400_000) outOfOrder++;
      if (Date.parse(t) > Date.parse(last) || last === '') last = t;
    }
    const c = holder.manifest!.counts;
    expect(batches).toBeGreaterThan(0);
    expect(declarations).toBe(c.declarations);
    expect(declarations).toBeGreaterThan(0);
    expect(holds).toBeGreaterThan(0);
    expect(outOfOrder).toBeGreaterThan(0);
    expect(c.late).toBeGreaterThan(0);
    expect(c.reworkInputs).toBeGreaterThan(0);
  });

  it('the plant preset has the proportions of DESIGN.md §5: ~200k lots, ~0.8M edges, ~8 shipments per finished lot', () => {
    const holder: { manifest?: PlantManifest } = {};
    let n = 0;
    for (const _ of generatePlant(PRESETS.plant, holder)) n++;
    const c = holder.manifest!.counts;
    expect(n).toBe(c.events);
    expect(c.lots).toBeGreaterThan(180_000);
    expect(c.lots).toBeLessThan(220_000);
    expect(c.edges).toBeGreaterThan(720_000);
    expect(c.edges).toBeLessThan(880_000);
  });

  it('bulk raw items (the wide preset): one silo load per delivery at their interval, 2–30 kg per batch, and no change to a plant without them', () => {
    const params = { ...PRESETS.small, days: 70, bulk: { items: 2, everyDays: [30], kg: 30_000 } };
    const code = (o: Record<string, unknown>): string => String(o['gtin'] ?? o['item']);
    const lines = [...generatePlant(params)];
    // a silo load is 24–30 t; an ordinary raw lot at most 20 t
    const loads = new Map<string, number[]>();
    for (const l of lines) {
      if (l['cmd'] !== 'receive') continue;
      const lots = l['lots'] as Record<string, unknown>[];
      for (const o of lots) {
        const q = o['quantity'] as number;
        if (q <= 20_000) continue;
        expect(q).toBeGreaterThanOrEqual(24_000);
        expect(q).toBeLessThanOrEqual(30_000);
        expect(lots).toHaveLength(1);
        // lot codes start with the delivery day (S0031-1-1): one lot per delivery
        expect(String(o['lot'])).toMatch(/-1-1$/);
        const days = loads.get(code(o)) ?? [];
        days.push(Number(String(o['lot']).slice(1, 5)));
        loads.set(code(o), days);
      }
    }
    expect(loads.size).toBe(2);
    for (const days of loads.values()) {
      // every raw item is delivered on the first day, then by its own interval
      expect(days[0]).toBe(1);
      expect(days.length).toBeGreaterThanOrEqual(3);
      for (let i = 2; i < days.length; i++) expect(days[i]! - days[i - 1]!).toBe(30);
    }
    let taken = 0;
    for (const l of lines) {
      for (const o of (l['inputs'] as Record<string, unknown>[] | undefined) ?? []) {
        if (!loads.has(code(o))) continue;
        taken++;
        expect(o['quantity']).toBeGreaterThanOrEqual(2);
        expect(o['quantity']).toBeLessThanOrEqual(30);
      }
    }
    expect(taken).toBeGreaterThan(50);
    expect(digest({ ...tiny, bulk: { items: 0, everyDays: [90], kg: 30_000 } })).toBe(digest(tiny));
    expect(digest({ ...tiny, bulk: { items: 2, everyDays: [90], kg: 30_000 } })).not.toBe(digest(tiny));
  });

  it('streams: the live heap stays flat while a plant of 120 days is generated', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/bench/memory-probe.ts', 'plant', '120'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { events, heapMiB } = JSON.parse(r.stdout) as { events: number; heapMiB: number[] };
    expect(events).toBeGreaterThan(100_000);
    // after the first tenth, the heap must not grow with the days generated
    const early = heapMiB[1]!;
    const late = Math.max(...heapMiB.slice(1));
    expect(late - early).toBeLessThan(8);
  });

  it('every generated file imports without a single error, NDJSON and EPCIS alike, and both give the same store', async () => {
    const dir = tempDir();
    const nd = await writePlant(tiny, join(dir, 'plant'), 'ndjson');
    const ep = await writePlant(tiny, join(dir, 'plant-epcis'), 'epcis', 1500);
    const counts = [];
    for (const files of [nd.files, ep.files]) {
      const store = openSqliteStore(join(dir, `${files.length}.db`));
      try {
        let events = 0;
        let stored = 0;
        let declared = 0;
        for (const f of files) {
          const s = await importFile(store, f);
          events += s.events;
          stored += s.stored;
          declared += s.declared;
        }
        expect(events).toBe(nd.manifest.counts.events);
        expect(stored + declared).toBe(events);
        expect(declared).toBe(nd.manifest.counts.declarations);
        counts.push(await store.stats());
        // a second import of the same files changes nothing
        const again = await importFile(store, files[0]!);
        expect(again.stored).toBe(0);
      } finally {
        await store.close();
      }
    }
    expect(counts[0]).toEqual(counts[1]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.manifest.json'))).toHaveLength(2);
  });

  it('the generate script refuses a wrong preset, format or number with a clear message', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/generate.ts', ...args], { encoding: 'utf8' });
    const a = run('--preset', 'medium', '--out', join(tempDir(), 'x'));
    expect(a.status).toBe(2);
    expect(a.stderr).toContain('--preset must be one of small, plant, large, huge, wide (got "medium")');
    const b = run('--format', 'xml', '--out', join(tempDir(), 'x'));
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('--format must be ndjson or epcis');
    const c = run('--days', '-3', '--out', join(tempDir(), 'x'));
    expect(c.status).toBe(2);
    const d = run('--days', 'ten', '--out', join(tempDir(), 'x'));
    expect(d.status).toBe(2);
    expect(d.stderr).toContain('--days must be a number ≥ 0 (got "ten")');
  });
});
