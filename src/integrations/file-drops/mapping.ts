/**
 * The YAML mapping of an ERP/MES export: which native command each row (or group of rows) is,
 * which column feeds which field, how dates, numbers and units are written, and the defaults and
 * constants. Rows become native commands, and those become events through the native command
 * path (readNativeValue), exactly as an NDJSON line would.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import type { Issue } from '../../domain/errors.js';
import type { CapturedEvent } from '../../store/event-store.js';
import { readNativeValue } from '../../capture/native/read-native-line.js';
import type { CsvRecord } from './csv.js';
import type { DateFormat } from './dates.js';
import { compileDateFormat, readDate, zoneProblem } from './dates.js';

const Scalar = z.union([z.string(), z.number()]);
const FieldSpec = z.union([
  z.string().min(1),
  z
    .object({
      column: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      value: Scalar.optional(),
      default: Scalar.optional(),
      map: z.record(z.string(), Scalar).optional(),
      format: z.string().min(1).optional(),
      zone: z.string().min(1).optional(),
    })
    .strict(),
]);
type FieldSpec = z.infer<typeof FieldSpec>;

const COMMON_EVENT_FIELDS = ['time', 'id', 'location', 'operator', 'equipment', 'line', 'step', 'note'] as const;
export const EVENT_FIELDS = {
  receive: [...COMMON_EVENT_FIELDS, 'from', 'po', 'supplierLot', 'despatchAdvice'],
  produce: [...COMMON_EVENT_FIELDS, 'batch', 'order'],
  ship: [...COMMON_EVENT_FIELDS, 'to', 'toLocation', 'order', 'despatchAdvice', 'carrier'],
} as const;
const LINE_FIELDS = ['item', 'gtin', 'lot', 'serial', 'sscc', 'unit', 'quantity', 'uom', 'role'] as const;
const KINDS = ['receive', 'produce', 'ship'] as const;
type Kind = (typeof KINDS)[number];

export const MappingSchema = z
  .object({
    kind: z.enum(KINDS),
    format: z.enum(['csv', 'xlsx']).optional(),
    separator: z.enum([',', ';', 'tab']).optional(),
    sheet: z.string().min(1).optional(),
    decimal: z.enum(['.', ',']).default('.'),
    date_format: z.string().min(1).default('YYYY-MM-DDTHH:mm:ss'),
    time_zone: z.string().min(1),
    units: z.record(z.string(), z.string()).default({}),
    group_by: z.array(z.string().min(1)).default([]),
    event: z.record(z.string(), FieldSpec),
    lines: z.record(z.string(), FieldSpec),
  })
  .strict();

export interface Mapping {
  readonly kind: Kind;
  readonly format?: 'csv' | 'xlsx';
  readonly separator?: string;
  readonly sheet?: string;
  readonly decimal: '.' | ',';
  readonly dateFormat: DateFormat;
  readonly timeZone: string;
  readonly units: Readonly<Record<string, string>>;
  readonly groupBy: readonly string[];
  readonly event: Readonly<Record<string, Field>>;
  readonly lines: Readonly<Record<string, Field>>;
  /** Every column the mapping reads: each must be in the file's header. */
  readonly columns: readonly string[];
}

interface Field {
  readonly columns: readonly string[];
  readonly value?: string | number;
  readonly default?: string | number;
  readonly map?: Readonly<Record<string, string | number>>;
  readonly dateFormat?: DateFormat;
  readonly zone?: string;
}

/** One problem of one row: what the failed/ report lists. */
export interface RowIssue {
  /** The row (spreadsheet row, or CSV line where the record starts). */
  readonly row: number;
  readonly column: string;
  readonly value: string;
  readonly reason: string;
}

function mappingError(label: string, issues: Issue[]): LotlineError {
  const first = issues[0]!;
  return new LotlineError('MAPPING_INVALID', `${label}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the mapping; first: ${first.path}: ${first.reason}`, { issues: issues.map((i) => ({ ...i, file: label })) });
}

/** Validates a parsed mapping document; MAPPING_INVALID names every bad key. */
export function compileMapping(doc: unknown, label: string): Mapping {
  const parsed = MappingSchema.safeParse(doc);
  if (!parsed.success) {
    throw mappingError(
      label,
      parsed.error.issues.map((i) => ({
        path: '$' + i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join(''),
        reason: i.code === 'unrecognized_keys' ? `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message.replace(/^Invalid input: /, ''),
      })),
    );
  }
  const m = parsed.data;
  const issues: Issue[] = [];
  const zone = zoneProblem(m.time_zone);
  if (zone) issues.push({ path: '$.time_zone', reason: zone });
  let dateFormat: DateFormat | undefined;
  try {
    dateFormat = compileDateFormat(m.date_format);
  } catch (e) {
    issues.push({ path: '$.date_format', reason: (e as Error).message });
  }
  const compile = (section: 'event' | 'lines', name: string, spec: FieldSpec): Field | undefined => {
    const path = `$.${section}.${name}`;
    const allowed: readonly string[] = section === 'event' ? EVENT_FIELDS[m.kind] : LINE_FIELDS;
    if (!allowed.includes(name)) {
      issues.push({ path, reason: `"${name}" is not a ${section === 'event' ? `field of "${m.kind}"` : 'line field'}; use one of ${allowed.join(', ')}` });
      return undefined;
    }
    if (typeof spec === 'string') return { columns: [spec] };
    const columns = spec.column === undefined ? [] : Array.isArray(spec.column) ? spec.column : [spec.column];
    if ((columns.length > 0) === (spec.value !== undefined)) {
      issues.push({ path, reason: 'give either "column" (read from the file) or "value" (a constant), not both or neither' });
      return undefined;
    }
    if (spec.zone !== undefined) {
      const p = zoneProblem(spec.zone);
      if (p) issues.push({ path: `${path}.zone`, reason: p });
    }
    let fieldFormat: DateFormat | undefined;
    if (spec.format !== undefined) {
      try {
        fieldFormat = compileDateFormat(spec.format);
      } catch (e) {
        issues.push({ path: `${path}.format`, reason: (e as Error).message });
      }
    }
    return {
      columns,
      ...(spec.value !== undefined ? { value: spec.value } : {}),
      ...(spec.default !== undefined ? { default: spec.default } : {}),
      ...(spec.map !== undefined ? { map: spec.map } : {}),
      ...(fieldFormat ? { dateFormat: fieldFormat } : {}),
      ...(spec.zone !== undefined ? { zone: spec.zone } : {}),
    };
  };
  const event: Record<string, Field> = {};
  const lines: Record<string, Field> = {};
  for (const [k, v] of Object.entries(m.event)) {
    const f = compile('event', k, v);
    if (f) event[k] = f;
  }
  for (const [k, v] of Object.entries(m.lines)) {
    const f = compile('lines', k, v);
    if (f) lines[k] = f;
  }
  if (!m.event['time']) issues.push({ path: '$.event.time', reason: 'every event needs a time: map it to a date column (or a constant)' });
  if (m.kind === 'receive' && !m.event['from']) issues.push({ path: '$.event.from', reason: 'a receipt needs "from" (the supplier)' });
  if (m.kind === 'ship' && !m.event['to']) issues.push({ path: '$.event.to', reason: 'a shipment needs "to" (the customer)' });
  if (m.kind === 'produce' && !m.lines['role']) issues.push({ path: '$.lines.role', reason: 'a production order needs "role": which rows are inputs (consumption) and which are outputs' });
  if (m.kind !== 'produce' && m.lines['role']) issues.push({ path: '$.lines.role', reason: `"role" is only for produce (got kind ${m.kind})` });
  if (issues.length > 0) throw mappingError(label, issues);
  const columns = [...new Set([...m.group_by, ...Object.values(event).flatMap((f) => f.columns), ...Object.values(lines).flatMap((f) => f.columns)])];
  return {
    kind: m.kind,
    ...(m.format ? { format: m.format } : {}),
    ...(m.separator ? { separator: m.separator === 'tab' ? '\t' : m.separator } : {}),
    ...(m.sheet ? { sheet: m.sheet } : {}),
    decimal: m.decimal,
    dateFormat: dateFormat!,
    timeZone: m.time_zone,
    units: m.units,
    groupBy: m.group_by,
    event,
    lines,
    columns,
  };
}

/** Reads and validates a mapping file (YAML). */
export async function loadMapping(file: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LotlineError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${file}: ${code === 'ENOENT' ? 'no such mapping file' : `cannot read it (${code ?? String(e)})`}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new LotlineError('MAPPING_INVALID', `${file}: not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { issues: [{ path: '$', reason: 'not valid YAML', file }], cause: e });
  }
  return compileMapping(doc, file);
}

interface Row {
  readonly line: number;
  readonly cells: readonly string[];
  readonly dates: ReadonlySet<number> | undefined;
}

/** What a mapped field gives for one row: a value, nothing (empty), or an issue already reported. */
type Got = { ok: true; value: string | number | undefined } | { ok: false };

function parseNumber(text: string, decimal: '.' | ','): number | undefined {
  const t = text.replace(/[\s\u00a0']/g, '');
  const normal = decimal === ',' ? t.replace(/\./g, '').replace(',', '.') : t.replace(/,/g, '');
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : undefined;
}

/**
 * Turns the records of a file (the first is the header) into events, one per row or per group of
 * rows; every bad cell of every row is reported, and then no event is returned.
 */
export function rowsToEvents(records: readonly CsvRecord[], mapping: Mapping, label: string): { events: CapturedEvent[]; issues: RowIssue[]; rows: number } {
  const issues: RowIssue[] = [];
  const [header, ...data] = records;
  if (!header) return { events: [], issues: [{ row: 1, column: '', value: '', reason: 'the file is empty: expected a header row and data rows' }], rows: 0 };
  const index = new Map<string, number>();
  header.cells.forEach((c, i) => index.set(c.trim(), i));
  for (const c of mapping.columns) {
    if (!index.has(c)) issues.push({ row: header.line, column: c, value: '', reason: `the header has no column "${c}" (it has ${header.cells.map((h) => `"${h.trim()}"`).join(', ')})` });
  }
  if (issues.length > 0) return { events: [], issues, rows: data.length };
  if (data.length === 0) return { events: [], issues: [{ row: header.line, column: '', value: '', reason: 'the file has a header but no data rows' }], rows: 0 };

  const cellOf = (row: Row, col: string): string => row.cells[index.get(col)!] ?? '';
  const read = (row: Row, name: string, f: Field): Got => {
    const col = f.columns.join(' + ');
    let raw: string | number | undefined;
    let isoWall = false;
    if (f.value !== undefined) raw = f.value;
    else {
      const parts = f.columns.map((c) => cellOf(row, c).trim());
      isoWall = f.columns.length === 1 && row.dates?.has(index.get(f.columns[0]!)!) === true;
      raw = parts.every((p) => p === '') ? undefined : parts.filter((p) => p !== '').join(' ');
    }
    if (raw === undefined) raw = f.default;
    if (raw === undefined) return { ok: true, value: undefined };
    if (f.map) {
      const hit = f.map[String(raw)];
      if (hit !== undefined) raw = hit;
    }
    const value = String(raw);
    if (name === 'time') {
      const r = readDate(value, f.dateFormat ?? mapping.dateFormat, f.zone ?? mapping.timeZone, isoWall);
      if ('reason' in r) {
        issues.push({ row: row.line, column: col, value, reason: `${JSON.stringify(value)} ${r.reason}` });
        return { ok: false };
      }
      return { ok: true, value: r.time };
    }
    if (name === 'quantity') {
      const n = typeof raw === 'number' ? raw : parseNumber(value, mapping.decimal);
      if (n === undefined) {
        issues.push({ row: row.line, column: col, value, reason: `${JSON.stringify(value)} is not a number${mapping.decimal === ',' ? ' (decimal comma)' : ''}` });
        return { ok: false };
      }
      return { ok: true, value: n };
    }
    if (name === 'uom') return { ok: true, value: mapping.units[value] ?? value };
    if (name === 'role' && value !== 'input' && value !== 'output') {
      issues.push({ row: row.line, column: col, value, reason: `${JSON.stringify(value)} is not a role: map it to input or output (lines.role.map)` });
      return { ok: false };
    }
    return { ok: true, value };
  };

  // Groups of rows that make one event, in the order of their first row.
  const groups = new Map<string, Row[]>();
  data.forEach((r, i) => {
    const row: Row = { line: r.line, cells: r.cells, dates: r.dates };
    const key = mapping.groupBy.length === 0 ? `#${i}` : JSON.stringify(mapping.groupBy.map((c) => cellOf(row, c).trim()));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(row);
  });

  const events: CapturedEvent[] = [];
  for (const rows of groups.values()) {
    const first = rows[0]!;
    const cmd: Record<string, unknown> = { cmd: mapping.kind };
    const eventSource: Record<string, { row: number; column: string; value: string }> = {};
    let bad = false;
    for (const [name, f] of Object.entries(mapping.event)) {
      const got = read(first, name, f);
      if (!got.ok) {
        bad = true;
        continue;
      }
      for (const other of rows.slice(1)) {
        const again = read(other, name, f);
        if (again.ok && again.value !== got.value) {
          issues.push({
            row: other.line,
            column: f.columns.join(' + '),
            value: String(again.value ?? ''),
            reason: `differs from row ${first.line} (${JSON.stringify(got.value ?? '')}) of the same ${mapping.groupBy.join(' + ')}: the rows of one event must agree on "${name}"`,
          });
          bad = true;
        }
      }
      if (got.value !== undefined) {
        cmd[name] = got.value;
        eventSource[name] = { row: first.line, column: f.columns.join(' + ') || '(constant)', value: String(got.value) };
      }
    }
    // Lines: the objects of the event, each from one row.
    const lists: Record<string, { spec: Record<string, unknown>; row: Row }[]> = {};
    for (const row of rows) {
      const spec: Record<string, unknown> = {};
      let list = 'lots';
      let rowBad = false;
      for (const [name, f] of Object.entries(mapping.lines)) {
        const got = read(row, name, f);
        if (!got.ok) {
          rowBad = true;
          continue;
        }
        if (got.value === undefined) continue;
        if (name === 'role') list = got.value === 'input' ? 'inputs' : 'outputs';
        else spec[name] = got.value;
      }
      if (mapping.kind === 'ship' && (spec['sscc'] !== undefined || spec['unit'] !== undefined) && spec['lot'] === undefined) list = 'units';
      if (rowBad) {
        bad = true;
        continue;
      }
      if (mapping.kind === 'produce' && mapping.lines['role'] && list === 'lots') {
        issues.push({ row: row.line, column: mapping.lines['role'].columns.join(' + '), value: '', reason: 'the role is empty: each row must be an input or an output' });
        bad = true;
        continue;
      }
      (lists[list] ??= []).push({ spec, row });
    }
    for (const [k, v] of Object.entries(lists)) cmd[k] = v.map((e) => e.spec);
    if (bad) continue;
    const found: Issue[] = [];
    const ev = readNativeValue(cmd, found);
    for (const i of found) issues.push(locate(i, eventSource, lists, mapping, first.line));
    if (ev && found.length === 0) events.push(ev);
  }
  void label;
  return issues.length > 0 ? { events: [], issues, rows: data.length } : { events, issues, rows: data.length };
}

/** Maps an issue of the native command (`$.lots[2].uom`) back onto the row and column it came from. */
function locate(
  i: Issue,
  eventSource: Readonly<Record<string, { row: number; column: string; value: string }>>,
  lists: Readonly<Record<string, { spec: Record<string, unknown>; row: Row }[]>>,
  mapping: Mapping,
  firstRow: number,
): RowIssue {
  const m = /^\$\.(lots|inputs|outputs|units)\[(\d+)\](?:\.(\w+))?/.exec(i.path);
  if (m) {
    const entry = lists[m[1]!]?.[Number(m[2])];
    const field = m[3];
    const f = field ? mapping.lines[field] : undefined;
    const column = f ? f.columns.join(' + ') || '(constant)' : ['item', 'gtin', 'lot', 'serial', 'sscc', 'unit'].filter((k) => mapping.lines[k]).map((k) => mapping.lines[k]!.columns.join(' + ')).join(', ');
    return { row: entry?.row.line ?? firstRow, column, value: field && entry ? String(entry.spec[field] ?? '') : '', reason: i.reason };
  }
  const fm = /^\$\.(\w+)/.exec(i.path);
  const src = fm ? eventSource[fm[1]!] : undefined;
  if (src) return { row: src.row, column: src.column, value: src.value, reason: i.reason };
  const f = fm ? mapping.event[fm[1]!] : undefined;
  return { row: firstRow, column: f ? f.columns.join(' + ') : (fm?.[1] ?? ''), value: '', reason: i.reason };
}
