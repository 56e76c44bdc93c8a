/** `lotline report dossier REF`: the genealogy dossier of one lot as PDF or HTML, and the check of a printed one (`--verify`). */
import { LotlineError } from '../domain/errors.js';
import { openQualityStore } from '../main.js';
import type { DossierFormat } from '../reports/dossier/dossier-report.js';
import { checkDossier, dossierFile, dossierFormat } from '../reports/dossier/dossier-report.js';
import { writeReportFile } from '../reports/write-report-file.js';
import type { EventStore } from '../store/event-store.js';
import type { CliIo } from './io.js';
import { cliContext, UsageError } from './io.js';
import type { RefFlags } from './ref-args.js';
import { refFromArgs, resolveStoredRef } from './ref-args.js';

export interface DossierFlags extends RefFlags {
  json?: boolean | undefined;
  out?: string | undefined;
  format?: string | undefined;
  'as-of'?: string | undefined;
  verify?: string | undefined;
}

/** `lotline report dossier REF [--format pdf|html] --out FILE [--as-of T]`, or `--as-of T --verify HASH`. */
export async function cmdDossier(db: string, open: () => Promise<EventStore>, refArgs: readonly string[], flags: DossierFlags & Readonly<Record<string, unknown>>, io: CliIo): Promise<number> {
  const foreign = ['tlc', 'from', 'to', 'direction'].filter((f) => flags[f] !== undefined);
  if (foreign.length > 0) throw new UsageError(`'lotline report dossier' does not take ${foreign.map((f) => `--${f}`).join(', ')}`);
  const ref = refFromArgs(refArgs, flags);
  const verifying = flags.verify !== undefined;
  let format: DossierFormat | undefined;
  let out: string | undefined;
  if (verifying) {
    if (flags['as-of'] === undefined) throw new UsageError('--verify needs --as-of T: the instant printed in the dossier\'s footer ("as of …")');
    if (flags.out !== undefined || flags.format !== undefined) throw new UsageError('--verify checks a dossier; it writes no file (drop --out and --format)');
  } else {
    out = flags.out;
    if (out === undefined || out === '') throw new UsageError("'lotline report dossier' needs --out FILE (a .pdf or .html file)");
    const ext = /\.(pdf|html?)$/i.exec(out)?.[1]?.toLowerCase();
    const f = flags.format ?? (ext === 'htm' ? 'html' : ext);
    if (f === undefined) throw new UsageError('give --format pdf or --format html (or an --out FILE ending in .pdf or .html)');
    format = dossierFormat(f);
  }
  // The event store first, opened to read only: a mistyped --db is an error, not a new database.
  const store = await open();
  const stored = await resolveStoredRef(store, ref, flags);
  const quality = await openQualityStore(db);
  try {
    const by = cliContext().actor;
    if (verifying) {
      const check = await checkDossier(store, quality, stored, flags['as-of']!, flags.verify!, by);
      const chain = await store.verify();
      if (flags.json) io.out(JSON.stringify({ ...check, chainOk: chain.ok }, null, 2));
      else {
        io.out(
          check.match
            ? `MATCH: the record as of ${check.asOf} (log position ${check.logSeq}, chain hash ${check.logHeadHash}) gives content SHA-256 ${check.actual}, as printed.`
            : `DIFFERENT: the record as of ${check.asOf} (log position ${check.logSeq}) gives content SHA-256 ${check.actual}, not ${check.expected}.`,
        );
        io.out(chain.ok ? `The event log verifies: ${chain.entries} entries, hash chain intact.` : `The event log does NOT verify: broken at log position ${chain.brokenAt!.seq}.`);
      }
      if (!chain.ok) throw new LotlineError('CHAIN_BROKEN', `the event log was altered at log position ${chain.brokenAt!.seq}; no dossier made from it can be trusted`);
      if (!check.match) {
        throw new LotlineError('DOSSIER_MISMATCH', `the dossier does not match the record as of ${check.asOf}: the copy was altered, the --as-of instant or the lot is not the one printed, or an exception's history was changed`);
      }
      return 0;
    }
    const file = await dossierFile(store, quality, stored, format!, { ...(flags['as-of'] !== undefined ? { asOf: flags['as-of'] } : {}), generatedBy: by });
    await writeReportFile(out!, file.content);
    const d = file.dossier;
    if (flags.json) {
      io.out(JSON.stringify({ file: out, format: file.format, hash: file.hash, asOf: d.stamp.asOf, logSeq: d.stamp.logSeq, logHeadHash: d.stamp.logHeadHash, events: d.data.events.length, lots: d.data.backward.lots.length + d.data.forward.lots.length + 1 }, null, 2));
    } else {
      io.out(`${out}: genealogy dossier of ${d.data.label} (${file.format.toUpperCase()}), ${d.data.backward.lots.length} lot(s) before, ${d.data.forward.lots.length} after, ${d.data.events.length} event(s).`);
      io.out(`As of ${d.stamp.asOf} (log position ${d.stamp.logSeq}); content SHA-256 ${file.hash}.`);
    }
    return 0;
  } finally {
    await quality.close();
  }
}
