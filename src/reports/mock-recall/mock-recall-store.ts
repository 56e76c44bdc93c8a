/**
 * The mock recall archive: every exercise run, kept so a plant can show an auditor last year's
 * (BRCGS and SQF ask for the record every year). Append-only: an exercise is a record, never edited.
 */
import type { MockRecallReport } from './mock-recall.js';

/** One stored exercise without its full report, for listings. */
export interface MockRecallSummary {
  readonly id: number;
  readonly lot: string;
  readonly lotUri: string;
  readonly runBy: string;
  readonly startedAt: string;
  readonly elapsedMs: number;
  readonly percentAccounted: number | null;
  readonly unaccounted: number;
  readonly gaps: number;
}

export interface MockRecallRecord extends MockRecallSummary {
  readonly report: MockRecallReport;
}

export interface MockRecallQuery {
  /** Only exercises on this lot (its Lotline URN). */
  readonly lotUri?: string;
  /** Started at or after / before (ISO instants). */
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
}

export interface MockRecallStore {
  /** Stores an exercise; returns it with its id. */
  save(report: MockRecallReport): Promise<MockRecallRecord>;
  /** The exercise with this id. */
  get(id: number): Promise<MockRecallRecord | undefined>;
  /** Exercises matching every criterion, newest first. */
  list(q?: MockRecallQuery): Promise<MockRecallSummary[]>;
  /** Releases the connection. */
  close(): Promise<void>;
}

/** The row both adapters read. */
export interface MockRecallRow {
  readonly id: number | string;
  readonly lot_label: string;
  readonly lot_uri: string;
  readonly run_by: string;
  readonly started_at: string;
  readonly elapsed_ms: number | string;
  readonly percent_accounted: number | string | null;
  readonly unaccounted: number | string;
  readonly gaps: number | string;
  readonly report?: string;
}

export function toSummary(r: MockRecallRow): MockRecallSummary {
  return {
    id: Number(r.id),
    lot: r.lot_label,
    lotUri: r.lot_uri,
    runBy: r.run_by,
    startedAt: r.started_at,
    elapsedMs: Number(r.elapsed_ms),
    percentAccounted: r.percent_accounted === null ? null : Number(r.percent_accounted),
    unaccounted: Number(r.unaccounted),
    gaps: Number(r.gaps),
  };
}

/** The values of a new row, in MOCK_RECALL_COLUMNS order. */
export function rowValues(report: MockRecallReport): unknown[] {
  return [report.label, report.lotUri, report.runBy, report.startedAt, report.elapsedMs, report.percentAccounted, report.unaccounted.length, report.gaps.length, JSON.stringify(report)];
}

export const MOCK_RECALL_COLUMNS = 'lot_label, lot_uri, run_by, started_at, elapsed_ms, percent_accounted, unaccounted, gaps, report';
const SUMMARY_COLUMNS = 'id, lot_label, lot_uri, run_by, started_at, elapsed_ms, percent_accounted, unaccounted, gaps';

/** The listing query; `ph(n)` writes the n-th placeholder. */
export function listQuery(q: MockRecallQuery, ph: (n: number) => string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, v: unknown): void => {
    params.push(v);
    where.push(clause(ph(params.length)));
  };
  if (q.lotUri !== undefined) add((p) => `lot_uri = ${p}`, q.lotUri);
  if (q.from !== undefined) add((p) => `started_at >= ${p}`, q.from);
  if (q.to !== undefined) add((p) => `started_at < ${p}`, q.to);
  params.push(Math.max(1, Math.min(q.limit ?? 1000, 10_000)));
  return { sql: `SELECT ${SUMMARY_COLUMNS} FROM report_mock_recalls${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${ph(params.length)}`, params };
}

/** The table, for both dialects. */
export function mockRecallTable(serial: string): string {
  return `CREATE TABLE report_mock_recalls (
    id ${serial} PRIMARY KEY,
    lot_label TEXT NOT NULL,
    lot_uri TEXT NOT NULL,
    run_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    elapsed_ms BIGINT NOT NULL,
    percent_accounted DOUBLE PRECISION,
    unaccounted INTEGER NOT NULL,
    gaps INTEGER NOT NULL,
    report TEXT NOT NULL
  );
  CREATE INDEX report_mock_recalls_by_lot ON report_mock_recalls (lot_uri, id);
  CREATE INDEX report_mock_recalls_by_start ON report_mock_recalls (started_at);`;
}
