/**
 * `npx tsx bench/scheduled-gaps.ts --db PLANT.db --mode full|incremental [--new N] [--quality-config FILE]`
 *
 * One scheduled run of the gap rules on an imported plant, as `lotline serve` makes it every
 * `scheduleMinutes`, in a process of its own so that its peak memory is its own:
 * - `full`: no watermark, so the whole plant is read (the first run, and every run before the
 *   incremental schedule);
 * - `incremental`: a watermark N log positions before the end and 15 minutes ago, as if the last
 *   N events had been captured since the previous run.
 * Prints one JSON line: mode, findings, wall time, peak RSS.
 */
import { parseArgs } from 'node:util';
import { openStore } from '../src/main.js';
import { defaultQualityConfig, loadQualityConfig } from '../src/quality/quality-config.js';
import { GAP_RULE_IDS } from '../src/quality/rules/index.js';
import { configFingerprint, runScheduledGapRules } from '../src/quality/scheduled-gap-run.js';

const { values } = parseArgs({ options: { db: { type: 'string' }, mode: { type: 'string' }, new: { type: 'string' }, 'quality-config': { type: 'string' } }, strict: true });
if (!values.db || (values.mode !== 'full' && values.mode !== 'incremental')) {
  console.error('usage: tsx bench/scheduled-gaps.ts --db PLANT.db --mode full|incremental [--new N] [--quality-config FILE]');
  process.exit(2);
}
const config = values['quality-config'] ? await loadQualityConfig(values['quality-config'], GAP_RULE_IDS) : defaultQualityConfig(GAP_RULE_IDS);
const store = await openStore(values.db, { create: false });
try {
  const head = await store.headSeq();
  const fresh = Number(values.new ?? '1000');
  const nowMs = Date.now();
  const previous = values.mode === 'full' ? undefined : { seq: Math.max(0, head - fresh), judgedAtMs: nowMs - 15 * 60_000, config: configFingerprint(config) };
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const run = await runScheduledGapRules(store, config, previous, { nowMs });
  const ms = performance.now() - started;
  console.log(
    JSON.stringify({
      mode: run.mode,
      headSeq: head,
      newEvents: run.newEvents,
      judgedLots: run.judgedLots,
      findings: run.findings.length,
      seconds: Math.round(ms) / 1000,
      rssBeforeMiB: Math.round(rssBefore / 1048576),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  await store.close();
}
