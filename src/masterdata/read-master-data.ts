/**
 * Reads master data to import: JSON (`{"items": […], "parties": […], "locations": […]}`, or an
 * array of one kind) or CSV (one kind per file: a header row of field names). Every bad row or
 * field is reported with its line or JSON path and the reason, and nothing is stored unless the
 * whole file is right.
 */
import type { z } from 'zod';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import { parseCsv } from '../integrations/file-drops/csv.js';
import type { MasterDataKind } from './master-data.js';
import { MASTER_DATA_KINDS, MASTER_DATA_SCHEMAS } from './master-data.js';
import { masterKey } from './master-data-keys.js';
import type { RecordInput } from './master-data-store.js';

const MAX_ISSUES = 100;

/** CSV headers, in any spelling (`Net content UOM`, `net_content_uom`, `netContentUom`), to fields. */
const CSV_FIELDS: Record<MasterDataKind, Record<string, string>> = {
  items: { id: 'id', item: 'id', gtin: 'id', description: 'description', unit: 'unit', netcontentquantity: 'netContent.quantity', netcontentuom: 'netContent.uom', lotcodeformat: 'lotCodeFormat' },
  parties: { id: 'id', gln: 'id', name: 'name', roles: 'roles', role: 'roles', address: 'address', contact: 'contact', phone: 'phone', email: 'email' },
  locations: { id: 'id', gln: 'id', name: 'name', address: 'address', party: 'party' },
};

const fold = (h: string): string => h.toLowerCase().replace(/[\s_\-.]/g, '');

function zodIssues(error: z.ZodError, prefix: string, extra: Pick<Issue, 'line'> = {}): Issue[] {
  return error.issues.map((i) => {
    const segs = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const reason = i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.code === 'invalid_type' && /undefined/.test(i.message) ? 'is required' : i.message;
    return { path: `${prefix}${segs}`, reason, ...extra };
  });
}

function validate(kind: MasterDataKind, value: unknown, path: string, issues: Issue[], out: RecordInput[], seen: Map<string, string>, extra: Pick<Issue, 'line'> = {}): void {
  const parsed = MASTER_DATA_SCHEMAS[kind].safeParse(value);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, path, extra));
    return;
  }
  let key: string;
  try {
    key = masterKey(kind, parsed.data.id);
  } catch (e) {
    issues.push({ path: `${path}.id`, reason: e instanceof Error ? e.message : String(e), ...extra });
    return;
  }
  const first = seen.get(`${kind}|${key}`);
  if (first !== undefined) {
    issues.push({ path: `${path}.id`, reason: `names the same ${kind === 'items' ? 'item' : kind === 'parties' ? 'party' : 'location'} as ${first} (${key})`, ...extra });
    return;
  }
  seen.set(`${kind}|${key}`, extra.line !== undefined ? `line ${extra.line}` : path);
  out.push({ kind, key, data: parsed.data } as RecordInput);
}

function fail(label: string, issues: Issue[]): never {
  const first = issues[0]!;
  throw new LotlineError('INPUT_INVALID', `${label}: ${issues.length} problem(s), nothing imported; first: ${first.line !== undefined ? `line ${first.line} ` : ''}${first.path}: ${first.reason}`, {
    issues: issues.slice(0, MAX_ISSUES),
  });
}

/** Records of a JSON value: an object keyed by kind, or an array of `kind` records. */
export function readMasterDataJson(value: unknown, label: string, kind?: MasterDataKind): RecordInput[] {
  const issues: Issue[] = [];
  const out: RecordInput[] = [];
  const seen = new Map<string, string>();
  if (Array.isArray(value)) {
    if (kind === undefined) fail(label, [{ path: '$', reason: `an array of records needs the kind (${MASTER_DATA_KINDS.join(', ')}); or write {"items": […], "parties": […], "locations": […]}` }]);
    value.forEach((v, i) => validate(kind, v, `$[${i}]`, issues, out, seen));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, list] of Object.entries(value)) {
      if (!(MASTER_DATA_KINDS as readonly string[]).includes(k)) {
        issues.push({ path: `$.${k}`, reason: `unknown kind "${k}": expected ${MASTER_DATA_KINDS.join(', ')}` });
        continue;
      }
      if (kind !== undefined && k !== kind) {
        issues.push({ path: `$.${k}`, reason: `the import is of ${kind} only` });
        continue;
      }
      if (!Array.isArray(list)) {
        issues.push({ path: `$.${k}`, reason: 'must be an array of records' });
        continue;
      }
      list.forEach((v, i) => validate(k as MasterDataKind, v, `$.${k}[${i}]`, issues, out, seen));
    }
  } else {
    issues.push({ path: '$', reason: 'must be an object {"items": […], "parties": […], "locations": […]} or an array of records' });
  }
  if (issues.length > 0) fail(label, issues);
  if (out.length === 0) fail(label, [{ path: '$', reason: 'holds no record' }]);
  return out;
}

/** One record of `kind` (an API body), its fields' paths from `$`. */
export function readMasterDataRecord(kind: MasterDataKind, value: unknown, label: string): RecordInput {
  const issues: Issue[] = [];
  const out: RecordInput[] = [];
  validate(kind, value, '$', issues, out, new Map());
  if (issues.length > 0) fail(label, issues);
  return out[0]!;
}

/** Records of a CSV file of one kind (header row first). */
export function readMasterDataCsv(text: string, kind: MasterDataKind, label: string): RecordInput[] {
  const rows = parseCsv(text, label);
  const header = rows[0];
  if (!header) fail(label, [{ path: 'header', reason: 'the file is empty: the first line must name the columns', line: 1 }]);
  const fields = CSV_FIELDS[kind];
  const issues: Issue[] = [];
  const columns = header.cells.map((h) => {
    const f = fields[fold(h)];
    if (f === undefined) issues.push({ path: `column "${h}"`, reason: `unknown column for ${kind}: expected ${[...new Set(Object.values(fields))].join(', ')}`, line: header.line });
    return f;
  });
  if (!columns.includes('id')) issues.push({ path: 'header', reason: 'needs an "id" column', line: header.line });
  if (issues.length > 0) fail(label, issues);
  const out: RecordInput[] = [];
  const seen = new Map<string, string>();
  for (const row of rows.slice(1)) {
    const rec: Record<string, unknown> = {};
    const net: Record<string, unknown> = {};
    row.cells.forEach((cell, i) => {
      const f = columns[i];
      const v = cell.trim();
      if (f === undefined || v === '') return;
      if (f === 'roles') rec['roles'] = v.split(/[;|,]/).map((r) => r.trim().toLowerCase()).filter((r) => r !== '');
      else if (f === 'netContent.quantity') net['quantity'] = Number.isNaN(Number(v)) ? v : Number(v);
      else if (f === 'netContent.uom') net['uom'] = v;
      else rec[f] = v;
    });
    if (row.cells.length > columns.length) issues.push({ path: 'row', reason: `has ${row.cells.length} cells but the header names ${columns.length} columns`, line: row.line });
    if (Object.keys(net).length > 0) rec['netContent'] = net;
    validate(kind, rec, '$', issues, out, seen, { line: row.line });
  }
  if (issues.length > 0) fail(label, issues);
  if (out.length === 0) fail(label, [{ path: '$', reason: 'holds no record' }]);
  return out;
}

/** The kind a name stands for (`items`, `item`, `parties`, `party`, `locations`, `location`), or undefined. */
export function kindOf(name: string): MasterDataKind | undefined {
  const n = name.toLowerCase();
  if (n === 'item' || n === 'items') return 'items';
  if (n === 'party' || n === 'parties') return 'parties';
  if (n === 'location' || n === 'locations') return 'locations';
  return undefined;
}
