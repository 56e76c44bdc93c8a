/**
 * `lotline gaps` and `lotline completeness`: the gap rules and the completeness figure from the
 * command line, with the plant's quality configuration (`--quality-config FILE`).
 */
import type { FindingSink } from '../quality/finding.js';
import { formatFinding, ListSink, printSink } from '../quality/finding-sinks.js';
import type { CompletenessReport, Figure, Period } from '../quality/completeness.js';
import { completeness, PERIODS } from '../quality/completeness.js';
import { defaultQualityConfig, loadQualityConfig } from '../quality/quality-config.js';
import type { QualityConfig } from '../quality/quality-config.js';
import { GAP_RULE_IDS, GAP_RULES } from '../quality/rules/index.js';
import { runGapRules } from '../quality/run-gap-rules.js';
import type { Finding } from '../quality/finding.js';
import { runScheduledGapRules } from '../quality/scheduled-gap-run.js';
import { toMs } from '../genealogy/trace.js';
import { normalizeGtin } from '../domain/identifiers/gtin.js';
import type { EventStore } from '../store/event-store.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';
import { openQualityStore } from '../main.js';
import { DEFAULT_ESCALATION, exceptionSink } from '../quality/exceptions.js';
import { refFromArgs, resolveStoredRef } from './ref-args.js';

export interface QualityFlags {
  json?: boolean | undefined;
  'quality-config'?: string | undefined;
  /** Rule ids, comma-separated. */
  rule?: string | undefined;
  since?: string | undefined;
  'dry-run'?: boolean | undefined;
  incremental?: boolean | undefined;
  item?: string | undefined;
  gtin?: string | undefined;
  lot?: string | undefined;
  serial?: string | undefined;
  line?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  period?: string | undefined;
}

export async function qualityConfigOf(flags: Pick<QualityFlags, 'quality-config'>): Promise<QualityConfig> {
  return flags['quality-config'] !== undefined ? loadQualityConfig(flags['quality-config'], GAP_RULE_IDS) : defaultQualityConfig(GAP_RULE_IDS);
}

/**
 * Where `lotline gaps` sends findings when it is not a dry run: the exceptions of the database
 * (each finding once, by its key; docs/quality.md) and the terminal.
 */
export async function cliFindingSink(db: string, io: CliIo, json: boolean): Promise<FindingSink & { close(): Promise<void> }> {
  const quality = await openQualityStore(db);
  const exceptions = exceptionSink(quality, DEFAULT_ESCALATION, [], cliContext().actor);
  const print = printSink((t) => io.out(t), json);
  return {
    async report(findings) {
      await exceptions.report(findings);
      await print.report(findings);
    },
    close: () => quality.close(),
  };
}

export async function cmdGaps(db: string, store: () => Promise<EventStore>, rest: readonly string[], flags: QualityFlags, io: CliIo): Promise<number> {
  if (rest.length > 0) throw new UsageError(`'lotline gaps' takes no arguments (got ${rest.join(' ')}); pick rules with --rule ID`);
  if (flags.incremental && (flags.rule !== undefined || flags.since !== undefined)) {
    throw new UsageError("'lotline gaps --incremental' runs every rule on what changed since the last scheduled run; it does not take --rule or --since");
  }
  const config = await qualityConfigOf(flags);
  const sinceMs = flags.since === undefined ? undefined : toMs(flags.since, 'since', 0);
  const started = Date.now();
  let findings: Finding[];
  /** After the findings are recorded (never in a dry run): the watermark the server's schedule continues from. */
  let afterReport = async (): Promise<void> => {};
  if (flags.incremental) {
    // The watermark the server's schedule keeps: this run continues from it, and the server from this run.
    const quality = await openQualityStore(db);
    try {
      const run = await runScheduledGapRules(await store(), config, await quality.getGapWatermark());
      findings = run.findings;
      afterReport = async () => {
        const q = await openQualityStore(db);
        try {
          await q.putGapWatermark(run.watermark);
        } finally {
          await q.close();
        }
      };
      if (!flags.json) io.err(`${run.mode === 'full' ? 'no usable watermark (first run, or another configuration): the whole plant was read' : `${run.newEvents} event(s) since the last run, ${run.judgedLots} lot(s) judged`}.`);
    } finally {
      await quality.close();
    }
  } else {
    findings = await runGapRules(await store(), config, { ...(flags.rule !== undefined ? { ruleIds: flags.rule.split(',').map((r) => r.trim()).filter((r) => r !== '') } : {}), ...(sinceMs !== undefined ? { sinceMs } : {}) });
  }
  const ms = Date.now() - started;
  if (flags['dry-run']) {
    const list = new ListSink();
    await list.report(findings);
    if (flags.json) io.out(JSON.stringify({ dryRun: true, findings: list.findings, ms }, null, 2));
    else {
      for (const f of list.findings) io.out(formatFinding(f));
      io.out(`${list.findings.length} finding(s) in ${ms} ms (dry run: nothing recorded).`);
    }
    return 0;
  }
  const sink = await cliFindingSink(db, io, flags.json === true);
  try {
    await sink.report(findings);
  } finally {
    await sink.close();
  }
  await afterReport();
  if (!flags.json) io.err(`${findings.length} finding(s) in ${ms} ms; each is an exception now (lotline exceptions list).`);
  return 0;
}

/** The rules, for `lotline gaps --list`-like help in the usage text. */
export function ruleSummary(): string {
  return GAP_RULES.map((r) => `  ${r.id.padEnd(26)} ${r.severity.padEnd(8)} ${r.timing.padEnd(9)} ${r.title}`).join('\n');
}

function pct(x: number | null): string {
  return x === null ? '–' : `${(Math.floor(x * 1000) / 10).toFixed(1)} %`;
}

function figureRow(label: string, f: Figure): string[] {
  return [label, String(f.lots), `${f.unbrokenLots}`, pct(f.chainShare), `${f.receivedScans}/${f.expectedScans}`, pct(f.scanShare)];
}

function formatCompleteness(r: CompletenessReport): string {
  const rows: string[][] = [['', 'lots', 'unbroken', 'chain', 'scans', 'scan share']];
  rows.push(figureRow('total', r.total));
  for (const x of r.items) rows.push(figureRow(`item ${x.item}`, x));
  for (const x of r.lines) rows.push(figureRow(`line ${x.line}`, x));
  for (const x of r.periods) rows.push(figureRow(`${r.period} ${x.period}`, x));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const out = rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  if (r.lot) {
    // asked about one lot: its answer only (--json also has the plant's figures)
    out.length = 0;
    const l = r.lot;
    out.push(`lot ${l.ref.item} / ${'lot' in l.ref ? l.ref.lot : l.ref.serial}: chain ${l.unbroken ? 'unbroken' : 'BROKEN'}${l.line ? `, line ${l.line}` : ''}, scans ${l.receivedScans}/${l.expectedScans}`);
    for (const b of l.breaks) out.push(`  breaks at ${b.ref.item} / ${'lot' in b.ref ? b.ref.lot : b.ref.serial}: ${b.reason}`);
    for (const s of l.missingSteps) out.push(`  missing scan: ${s}`);
  }
  return out.join('\n');
}

export async function cmdCompleteness(store: () => Promise<EventStore>, rest: readonly string[], flags: QualityFlags, io: CliIo): Promise<number> {
  const config = await qualityConfigOf(flags);
  const period = (flags.period ?? 'month') as Period;
  if (!PERIODS.includes(period)) throw new UsageError(`--period must be one of ${PERIODS.join(', ')} (got ${JSON.stringify(flags.period)})`);
  const wantsLot = rest.length > 0 || flags.lot !== undefined || flags.serial !== undefined;
  const s = await store();
  const lot = wantsLot ? await resolveStoredRef(s, refFromArgs(rest, flags), flags) : undefined;
  if (!wantsLot && flags.item !== undefined && flags.gtin !== undefined) throw new UsageError('give --item or --gtin, not both');
  const itemFilter = wantsLot ? undefined : flags.gtin !== undefined ? normalizeGtin(flags.gtin) : flags.item;
  const report = await completeness(s, config, {
    period,
    ...(lot ? { lot } : {}),
    ...(itemFilter !== undefined ? { item: /^\d{8}$|^\d{12,14}$/.test(itemFilter) ? normalizeGtin(itemFilter) : itemFilter } : {}),
    ...(flags.line !== undefined ? { line: flags.line } : {}),
    ...(flags.from !== undefined ? { fromMs: toMs(flags.from, 'from', 0) } : {}),
    ...(flags.to !== undefined ? { toMs: toMs(flags.to, 'to', 0) } : {}),
  });
  io.out(flags.json ? JSON.stringify(report, null, 2) : formatCompleteness(report));
  return 0;
}
