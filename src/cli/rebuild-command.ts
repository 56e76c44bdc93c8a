/**
 * `lotline rebuild [--check]`: recomputes every projection (nodes, transformations, events, flows,
 * event objects, search terms) from the event log. `--check` compares without changing anything
 * and exits 1 when the stored projections differ from the log's.
 */
import { rebuildProjections, resolveDb } from '../main.js';
import type { ProjectionReport, TableDifference } from '../store/projection-check.js';
import type { CliIo } from './io.js';
import { UsageError } from './io.js';

export interface RebuildFlags {
  db?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  check?: boolean | undefined;
}

function describe(d: TableDifference): string {
  const lines = [`  ${d.table}: ${d.missing} row(s) the log gives are not stored, ${d.extra} stored row(s) the log does not give`];
  for (const s of d.samples) lines.push(`    ${s.side === 'missing' ? 'missing' : 'extra  '} ${JSON.stringify(s.row)}`);
  return lines.join('\n');
}

export async function cmdRebuild(rest: readonly string[], flags: RebuildFlags, io: CliIo): Promise<number> {
  if (rest.length > 0) throw new UsageError(`'lotline rebuild' takes no arguments (got ${rest.join(' ')})`);
  const check = flags.check === true;
  const started = Date.now();
  let shown = 0;
  const onProgress = (done: number, total: number): void => {
    if (flags.quiet || flags.json) return;
    // at most one line a second: a long log shows progress, a short one stays quiet
    if (Date.now() - shown < 1000 && done < total) return;
    shown = Date.now();
    io.err(`${check ? 'recomputing' : 'rebuilding'}: ${done} of ${total} log entries`);
  };
  const report: ProjectionReport = await rebuildProjections(resolveDb(flags.db), { check, onProgress });
  const ok = report.differences.length === 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (flags.json) {
    io.out(JSON.stringify({ ok: !check || ok, check, ...report }, null, 2));
  } else if (check) {
    if (ok) io.out(`OK: the projections equal a rebuild from the log (${report.entries} log entries up to position ${report.head}, ${seconds} s).`);
    else io.out(`DIFFERENT: the stored projections do not equal a rebuild from the log (${report.entries} log entries up to position ${report.head}):\n${report.differences.map(describe).join('\n')}\nRun 'lotline rebuild' (with the server stopped) to replace them.`);
  } else {
    const repaired = report.differences.length > 0 ? `; ${report.differences.map((d) => `${d.table}: ${d.missing + d.extra} row(s)`).join(', ')} differed and were replaced` : '';
    io.out(`Rebuilt the projections from ${report.entries} log entries (up to position ${report.head}) in ${seconds} s${repaired}.`);
  }
  return check && !ok ? 1 : 0;
}
