/**
 * No false positives: a generated plant of 100,000 events (continuous runs, late events,
 * holds, error declarations and their corrections included) has no gap, so no rule may fire,
 * and its completeness is 100 %. Its lot codes follow formats configured per item. The scheduled
 * run, incremental over the last 2,000 log positions, finds nothing either.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../bench/plant/presets.js';
import { writePlant } from '../../bench/plant/write-plant.js';
import { importFile } from '../../src/capture/import-file.js';
import { completenessOf } from '../../src/quality/completeness.js';
import { loadPlantView } from '../../src/quality/plant-view.js';
import { parseQualityConfig } from '../../src/quality/quality-config.js';
import { GAP_RULE_IDS, GAP_RULES } from '../../src/quality/rules/index.js';
import { checkView } from '../../src/quality/run-gap-rules.js';
import { configFingerprint, runScheduledGapRules } from '../../src/quality/scheduled-gap-run.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lotline-clean-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a clean generated plant', () => {
  it('of 100k events gives no finding from any rule, and is 100 % complete', { timeout: 600_000 }, async () => {
    // 95 days of the plant-year, ending well before today (recorded now, so nothing is "in the future")
    const params = { ...PRESETS.plant, days: 95, startDate: '2025-06-02' };
    const { files, manifest } = await writePlant(params, join(dir, 'plant'), 'ndjson');
    expect(manifest.counts.events - manifest.counts.declarations).toBeGreaterThanOrEqual(100_000);
    expect(manifest.counts.declarations).toBeGreaterThan(0);
    expect(manifest.counts.late).toBeGreaterThan(0);
    const store = openSqliteStore(join(dir, 'plant.db'));
    try {
      await importFile(store, files[0]!, {});
      // every produced item's lot code has the generator's form: L<plant>-<day>-<stage>-<batch>[split letter]
      const produced = Object.entries(manifest.items).filter(([, c]) => c !== 'raw').map(([item]) => item);
      const config = parseQualityConfig(
        {
          eventTime: { pastDays: 3650 },
          lotFormats: produced.map((item) => ({ item, pattern: "'L'PLANT-DAY-STAGE-BATCH", parts: { PLANT: '\\d+', DAY: '\\d{4}', STAGE: '\\d', BATCH: '\\d{3}[A-Z]?' } })),
        },
        GAP_RULE_IDS,
      );
      const view = await loadPlantView(store);
      expect(view.events.size).toBeGreaterThan(99_000);
      expect(checkView(view, config, GAP_RULES)).toEqual([]);
      // the server's scheduled run, as if the last 2,000 events came since its previous run
      const head = await store.headSeq();
      const run = await runScheduledGapRules(store, config, { seq: head - 2_000, judgedAtMs: Date.now() - 15 * 60_000, config: configFingerprint(config) });
      expect(run).toMatchObject({ mode: 'incremental', findings: [] });
      expect(run.judgedLots).toBeGreaterThan(500);
      const report = completenessOf(view, config);
      expect(report.total.lots).toBeGreaterThan(40_000);
      expect(report.total.chainShare).toBe(1);
      // the same plant with one lot code typed wrongly is caught: the format rule is really on
      const broken = parseQualityConfig({ eventTime: { pastDays: 3650 }, lotFormats: [{ item: produced[0]!, pattern: "'X'SEQ" }] }, GAP_RULE_IDS);
      expect(checkView(view, broken, GAP_RULES).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
