/**
 * The incremental scheduled run judges exactly what a whole-plant run judges. A generated plant
 * is captured in rounds, with faults of every kind planted between them: after each round, the
 * incremental run (from the watermark the last run stored) finds nothing a full scan at the same
 * moment does not find, and together the runs find everything the full scans find — including a
 * routing window that closes between two runs with no new event, a mass balance broken by a
 * later event, and a receipt declared erroneous later. The exceptions they open are one per key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlantLine, PlantManifest } from '../../bench/plant/generate-plant.js';
import { generatePlant, lineAsEpcis } from '../../bench/plant/generate-plant.js';
import { PRESETS } from '../../bench/plant/presets.js';
import { importFile } from '../../src/capture/import-file.js';
import { DEFAULT_ESCALATION, exceptionSink } from '../../src/quality/exceptions.js';
import type { Finding } from '../../src/quality/finding.js';
import { ListSink } from '../../src/quality/finding-sinks.js';
import { GapMonitor } from '../../src/quality/gap-monitor.js';
import { parseQualityConfig } from '../../src/quality/quality-config.js';
import type { GapWatermark } from '../../src/quality/quality-store.js';
import { GAP_RULE_IDS } from '../../src/quality/rules/index.js';
import { runGapRules } from '../../src/quality/run-gap-rules.js';
import { configFingerprint, runScheduledGapRules } from '../../src/quality/scheduled-gap-run.js';
import { openQualityStore, openStore } from '../../src/main.js';
import { SqliteQualityStore } from '../../src/quality/sqlite/sqlite-quality-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'lotline-incremental-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');
const timeOf = (l: PlantLine): number => Date.parse(String(l['time'] ?? l['eventTime']));
/** What makes two findings the same finding: everything but the moment it was found. */
const facts = (f: Finding) => ({ ...f, detectedAt: undefined });

const ENGINES: { name: string; db: () => string; skip?: string | undefined }[] = [
  { name: 'SQLite', db: () => join(dir, 'rounds.db') },
  { name: 'PostgreSQL', db: () => freshPgUrl('rounds'), skip: pgSkipReason() },
];

describe('the incremental scheduled run of the gap rules', () => {
  for (const engine of ENGINES) {
    it.skipIf(engine.skip !== undefined)(`finds, over rounds of capture, exactly what full scans find, with no finding twice (${engine.name})`, { timeout: 300_000 }, async () => {
      const out: { manifest?: PlantManifest } = {};
      const generated = [...generatePlant({ ...PRESETS.small, days: 12, startDate: '2025-06-02' }, out)];
      const manifest = out.manifest!;
      const intermediate = Object.entries(manifest.items).find(([, c]) => c === 'intermediate')![0];
      const start = Date.parse('2025-06-02T06:00:00Z');

      // Four rounds of the generated plant, in log order; each run judges at the latest event time so far plus 30 minutes.
      const rounds: PlantLine[][] = [0, 1, 2, 3].map((k) => generated.slice(Math.floor((k * generated.length) / 4), Math.floor(((k + 1) * generated.length) / 4)));
      const now: number[] = [];
      for (const [k, r] of rounds.entries()) now.push(Math.max(now[k - 1] ?? 0, ...r.map(timeOf)) + HOUR / 2);

      // Planted faults (plain item codes the generator does not use).
      const receiveV = { cmd: 'receive', time: iso(start + HOUR), lots: [{ item: 'RAW-V', lot: 'V1', quantity: 100, uom: 'KGM' }], from: 'Mill' };
      const receiveW = { cmd: 'receive', id: 'urn:uuid:00000000-0000-4000-8000-00000000f001', time: iso(start + 2 * HOUR), lots: [{ item: 'RAW-W', lot: 'W1', quantity: 50, uom: 'KGM' }], from: 'Mill' };
      const useW = { cmd: 'produce', time: iso(start + 3 * HOUR), inputs: [{ item: 'RAW-W', lot: 'W1', quantity: 5, uom: 'KGM' }], outputs: [{ item: 'MIX-W', lot: 'MW1', quantity: 5, uom: 'KGM' }] };
      const useV = { cmd: 'produce', time: iso(start + 4 * HOUR), inputs: [{ item: 'RAW-V', lot: 'V1', quantity: 10, uom: 'KGM' }], outputs: [{ item: 'MIX-V', lot: 'MV1', quantity: 10, uom: 'KGM' }] };
      // made 3 h before the second run: its 4 h window plus the hour of grace closes between the second and third runs
      const routed = { cmd: 'receive', time: iso(now[1]! - 3 * HOUR), lots: [{ item: 'ROUTED', lot: 'R1', quantity: 1, uom: 'EA' }], from: 'Mill' };
      // far more of V1 than was ever received, recorded in the third round
      const overuseV = { cmd: 'produce', time: iso(now[2]! - 5 * HOUR), inputs: [{ item: 'RAW-V', lot: 'V1', quantity: 500, uom: 'KGM' }], outputs: [{ item: 'MIX-V', lot: 'MV2', quantity: 500, uom: 'KGM' }] };
      // W1's receipt declared erroneous in the fourth round: W1 was then consumed without an origin
      const declareW = { ...lineAsEpcis(receiveW), errorDeclaration: { declarationTime: iso(now[3]! - HOUR), reason: 'incorrect_data' } };
      rounds[0]!.push(receiveV, receiveW, useW, useV);
      rounds[1]!.push(routed);
      rounds[2]!.push(overuseV);
      rounds[3]!.push(declareW);

      const config = parseQualityConfig(
        {
          eventTime: { pastDays: 3650 },
          routings: [
            { item: 'ROUTED', steps: [{ name: 'metal-detect', withinHours: 4 }] },
            // never scanned in the generated plant: each lot's window closes in some run
            { item: intermediate, steps: [{ name: 'x-ray', withinHours: 6 }] },
          ],
        },
        GAP_RULE_IDS,
      );
      const db = engine.db();
      const store = await openStore(db);
      const quality = await openQualityStore(db);
      try {
        const sink = exceptionSink(quality, DEFAULT_ESCALATION, []);
        // The first run, on the empty plant, reads it whole and leaves the watermark.
        const first = await runScheduledGapRules(store, config, undefined, { nowMs: start });
        expect(first).toMatchObject({ mode: 'full', findings: [] });
        await quality.putGapWatermark(first.watermark);

        const fullKeys = new Set<string>();
        const foundKeys = new Set<string>();
        const foundAt = new Map<string, number>();
        for (const [k, lines] of rounds.entries()) {
          const file = join(dir, `round-${k}.ndjson`);
          writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
          await importFile(store, file, {});
          const previous = (await quality.getGapWatermark()) as GapWatermark;
          const full = await runGapRules(store, config, { nowMs: now[k]! });
          const run = await runScheduledGapRules(store, config, previous, { nowMs: now[k]! });
          expect(run.mode).toBe('incremental');
          // every line of the round is a new event, but error declarations (not events of their own)
          expect(run.newEvents).toBe(lines.filter((l) => l['errorDeclaration'] === undefined).length);
          // No false positive: every incremental finding is one a full scan makes now, with the same facts.
          const byKey = new Map(full.map((f) => [f.key, f]));
          for (const f of run.findings) {
            expect(byKey.has(f.key), `${f.key} found by the incremental run only`).toBe(true);
            expect(facts(f)).toEqual(facts(byKey.get(f.key)!));
          }
          for (const f of full) fullKeys.add(f.key);
          for (const f of run.findings) {
            if (!foundAt.has(f.key)) foundAt.set(f.key, k);
            foundKeys.add(f.key);
          }
          // Nothing missed: whatever the full scans have found so far, the incremental runs have too.
          expect([...fullKeys].filter((key) => !foundKeys.has(key))).toEqual([]);
          await sink.report(run.findings);
          await quality.putGapWatermark(run.watermark);
        }
        expect(await quality.getGapWatermark()).toEqual({ seq: await store.headSeq(), judgedAtMs: now[3], config: configFingerprint(config) });

        // The planted faults, each found in the run where it became true.
        expect(foundAt.get('routing-step-missing|urn:lotline:lot:ROUTED:R1|metal-detect')).toBe(2);
        expect(foundAt.get('mass-balance|urn:lotline:lot:RAW-V:V1')).toBe(2);
        expect(foundAt.get('input-without-origin|urn:lotline:lot:RAW-W:W1')).toBe(3);
        // Many routing windows of the generated lots closed, in every run.
        const routedRuns = new Set([...foundAt].filter(([key]) => key.startsWith(`routing-step-missing|urn:lotline:lot:${intermediate}:`)).map(([, k]) => k));
        expect([...routedRuns].sort()).toEqual([0, 1, 2, 3]);
        // One exception per problem: as many as the full scans found, none twice.
        const exceptions = await quality.queryExceptions({ limit: 1_000_000 });
        expect(exceptions.length).toBe(fullKeys.size);
        expect(new Set(exceptions.map((e) => e.key)).size).toBe(exceptions.length);
      } finally {
        await quality.close();
        await store.close();
      }
    });
  }

  it('keeps its watermark in the quality store: a restarted monitor reads only what came after', async () => {
    const path = join(dir, 'restart.db');
    const store = openSqliteStore(path);
    const quality = new SqliteQualityStore(path);
    const config = parseQualityConfig({ eventTime: { pastDays: 3650 } }, GAP_RULE_IDS);
    const logged: Record<string, unknown>[] = [];
    const log = { error: (o: object) => logged.push({ error: o }), info: (o: object) => logged.push(o as Record<string, unknown>) };
    const file = (name: string, lines: unknown[]): string => {
      const f = join(dir, name);
      writeFileSync(f, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      return f;
    };
    try {
      await importFile(store, file('a.ndjson', [{ cmd: 'receive', time: '2025-06-02T08:00:00+00:00', lots: [{ item: 'RAW', lot: 'A', quantity: 10, uom: 'KGM' }], from: 'Mill' }]), {});
      const sink = new ListSink();
      const one = new GapMonitor(store, config, sink, log, quality);
      await one.runScheduled({ nowMs: Date.parse('2025-06-03T00:00:00Z') });
      await one.stop();
      expect(logged).toMatchObject([{ mode: 'full', findings: 0 }]);

      // While the server is down: a lot shipped that was never produced or received.
      await importFile(store, file('b.ndjson', [{ cmd: 'ship', time: '2025-06-02T09:00:00+00:00', lots: [{ item: 'FG', lot: 'X', quantity: 1, uom: 'EA' }], to: 'Shop' }]), {});
      const two = new GapMonitor(store, config, sink, log, quality);
      await two.runScheduled({ nowMs: Date.parse('2025-06-03T00:15:00Z') });
      await two.stop();
      expect(logged[1]).toMatchObject({ mode: 'incremental', newEvents: 1, findings: 1 });
      expect(sink.findings.map((f) => f.key)).toEqual(['shipped-without-origin|urn:lotline:lot:FG:X']);
      // Another configuration may find problems in lots nothing new touched: the whole plant again.
      const three = new GapMonitor(store, parseQualityConfig({ eventTime: { pastDays: 3650 }, graceMinutes: 30 }, GAP_RULE_IDS), sink, log, quality);
      await three.runScheduled({ nowMs: Date.parse('2025-06-03T00:30:00Z') });
      await three.stop();
      expect(logged[2]).toMatchObject({ mode: 'full' });
    } finally {
      await quality.close();
      await store.close();
    }
  });

  it('runs over the whole plant again when what the rules judge by changes, not when only the schedule does', () => {
    const base = { eventTime: { pastDays: 3650 }, lotFormats: [{ item: 'FG', pattern: "'L'SEQ", parts: { SEQ: '\\d{3}' } }], routings: [{ item: 'DOUGH', steps: [{ name: 'bake', withinHours: 4 }] }] };
    const fp = (c: unknown) => configFingerprint(parseQualityConfig(c, GAP_RULE_IDS));
    expect(fp(base)).toBe(fp(structuredClone(base)));
    expect(fp({ ...base, scheduleMinutes: 5 })).toBe(fp(base));
    expect(fp({ ...base, lotFormats: [{ item: 'FG', pattern: "'L'SEQ", parts: { SEQ: '\\d{4}' } }] })).not.toBe(fp(base));
    expect(fp({ ...base, routings: [{ item: 'DOUGH', steps: [{ name: 'bake', withinHours: 5 }] }] })).not.toBe(fp(base));
    expect(fp({ ...base, graceMinutes: 30 })).not.toBe(fp(base));
    expect(fp({ ...base, rules: { disabled: ['mass-balance'] } })).not.toBe(fp(base));
  });
});
