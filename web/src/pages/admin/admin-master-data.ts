/**
 * /admin/master-data: items, parties (suppliers, customers, carriers) and locations — a list
 * searched as you type, a record with every version (who, when, what changed), an edit form, and
 * a CSV import that lists each bad row's error (nothing is stored unless every row is right).
 * Uses /api/v1/master-data/{kind}; docs/masterdata.md describes the fields.
 */
import { api, ApiError } from '../../api.js';
import { h, mount } from '../../dom.js';
import { when } from '../../names.js';
import { navigate } from '../../router.js';
import type { Field } from './admin-form.js';
import { adminMain, field, FormErrors, input, submitting } from './admin-form.js';

export const KINDS = [
  ['items', 'Items'],
  ['parties', 'Suppliers and customers'],
  ['locations', 'Locations'],
] as const;
type Kind = (typeof KINDS)[number][0];

type Data = Readonly<Record<string, unknown>>;

interface StoredRecord {
  readonly kind: Kind;
  readonly key: string;
  readonly data: Data;
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

interface Version {
  readonly version: number;
  readonly data: Data;
  readonly changedAt: string;
  readonly changedBy: string;
}

/** The form's fields per kind: the path the API names in an error, its label, and a hint. */
const FIELDS: Readonly<Record<Kind, readonly (readonly [string, string, string?])[]>> = {
  items: [
    ['description', 'Description'],
    ['unit', 'Unit', 'A UN/CEFACT Rec. 20 code: EA, KGM, LTR'],
    ['netContent.quantity', 'Net content: quantity', 'One unit weighs or holds this much'],
    ['netContent.uom', 'Net content: unit', 'KGM, LTR …'],
    ['lotCodeFormat', 'Lot-code format', 'A reference to the lot-code rule or pattern'],
  ],
  parties: [
    ['name', 'Name'],
    ['roles', 'Roles', 'supplier, customer, carrier or other; several separated by commas'],
    ['address', 'Address'],
    ['contact', 'Contact person'],
    ['phone', 'Phone'],
    ['email', 'E-mail'],
  ],
  locations: [
    ['name', 'Name'],
    ['address', 'Address'],
    ['party', 'Owning party', 'The id of the party that owns the place'],
  ],
};

const isKind = (k: string | null): k is Kind => KINDS.some(([id]) => id === k);
const kindLabel = (k: Kind): string => KINDS.find(([id]) => id === k)![1];
const recordPath = (kind: Kind, key: string): string => `/admin/master-data/${kind}/${encodeURIComponent(key)}`;

/** A field's value in a record as the form shows it: `netContent.quantity`, roles joined. */
function valueAt(data: Data, path: string): string {
  const v = path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Data)[k] : undefined), data);
  if (v === undefined || v === null) return '';
  return Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The title of a record: its name or description, else its key. */
const titleOf = (r: { key: string; data: Data }): string => String(r.data['name'] ?? r.data['description'] ?? r.key);

/** What changed from one version to the next, field by field. */
export function changes(before: Data | undefined, after: Data): string[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])].filter((k) => k !== 'id');
  const show = (v: unknown): string => (v === undefined || v === null ? '—' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const out: string[] = [];
  for (const k of keys) {
    // A field left empty is stored as null or left out: both read as "not set".
    const a = before?.[k] ?? null;
    const b = after[k] ?? null;
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    out.push(before === undefined ? `${k}: ${show(b)}` : `${k}: ${show(a)} → ${show(b)}`);
  }
  return out;
}

function kindTabs(kind: Kind): HTMLElement {
  return h('nav', { 'aria-label': 'Kinds of master data', class: 'tabs' }, KINDS.map(([id, label]) => h('a', { href: `/admin/master-data?kind=${id}`, 'data-link': true, ...(id === kind ? { 'aria-current': 'page' } : {}) }, label)));
}

/** /admin/master-data?kind=&search=: the list, the search and the CSV import. */
export async function masterDataListPage(params: URLSearchParams): Promise<HTMLElement> {
  const k = params.get('kind');
  const kind: Kind = isKind(k) ? k : 'items';
  const search = h('input', { id: 'md-search', type: 'search', value: params.get('search') ?? '', autocomplete: 'off', placeholder: 'id, name, description, contact …' });
  const list = h('div', { 'aria-live': 'polite' });
  let seq = 0;
  const load = async (): Promise<void> => {
    const mine = ++seq;
    const q = search.value.trim();
    const { records } = await api<{ records: StoredRecord[] }>(`/master-data/${kind}?limit=1000${q ? `&search=${encodeURIComponent(q)}` : ''}`);
    if (mine !== seq) return;
    // The address bar keeps the search, so a link or a reload shows the same list.
    history.replaceState(null, '', `/admin/master-data?kind=${kind}${q ? `&search=${encodeURIComponent(q)}` : ''}`);
    mount(
      list,
      h(
        'table',
        { class: 'data admin-table' },
        h('caption', {}, `${records.length} ${kindLabel(kind).toLowerCase()}${q ? ` matching “${q}”` : ''}${records.length === 1000 ? ' (the first 1000)' : ''}`),
        h('thead', {}, h('tr', {}, ['Id', kind === 'items' ? 'Description' : 'Name', 'Details', 'Version', 'Changed'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          records.map((r) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, h('a', { href: recordPath(kind, r.key), 'data-link': true }, r.key)),
              h('td', {}, titleOf(r)),
              h('td', {}, FIELDS[kind].slice(1, 4).map(([p]) => valueAt(r.data, p)).filter((v) => v !== '').join(' · ')),
              h('td', { class: 'num' }, r.version),
              h('td', {}, `${when(r.updatedAt)} by ${r.updatedBy}`),
            ),
          ),
        ),
      ),
    );
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void load().catch((e: unknown) => mount(list, h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)))), 150);
  });
  await load();
  return adminMain(
    'Master data',
    kindTabs(kind),
    h('div', { class: 'search' }, h('label', { for: 'md-search', class: 'search-label' }, `Search ${kindLabel(kind).toLowerCase()}`), search),
    list,
    importForm(kind, load),
    addForm(kind),
  );
}

/** CSV import of one kind: all or nothing, each bad row's line and reason listed. */
function importForm(kind: Kind, reload: () => Promise<void>): HTMLElement {
  const file = h('input', { id: 'md-import-file', type: 'file', accept: '.csv,text/csv' });
  const text = h('textarea', { id: 'md-import-text', rows: 5, spellcheck: 'false', placeholder: kind === 'items' ? 'id,description,unit\nFLOUR-T65,Wheat flour T65,KGM' : kind === 'parties' ? 'id,name,roles,email\nValley Mills,Valley Mills,supplier,orders@valley.example' : 'id,name,address\nGoods in,Goods in,12 avenue de la Biscuiterie' });
  file.addEventListener('change', () => void file.files?.[0]?.text().then((t) => (text.value = t)));
  const result = h('div', { 'aria-live': 'polite' });
  const go = h('button', { type: 'submit', class: 'primary' }, 'Import');
  const form = h(
    'form',
    { class: 'card admin-form', 'aria-labelledby': 'md-import-title' },
    h('h2', { id: 'md-import-title' }, `Import ${kindLabel(kind).toLowerCase()} from CSV`),
    h('p', { class: 'muted' }, 'A header row naming the fields (docs/masterdata.md), then one record per row. All or nothing: if any row is wrong, nothing is stored and every bad row is listed.'),
    h('div', { class: 'field' }, h('label', { for: 'md-import-file' }, 'CSV file'), file),
    h('div', { class: 'field' }, h('label', { for: 'md-import-text' }, 'or paste the CSV'), text),
    h('div', { class: 'form-buttons' }, go),
    result,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go.disabled = true;
    void (async () => {
      try {
        const counts = await api<{ created: number; updated: number; unchanged: number }>(`/master-data/${kind}/import`, { method: 'POST', body: text.value, contentType: 'text/csv' });
        mount(result, h('p', { class: 'notice', role: 'status' }, `Imported: ${counts.created} new, ${counts.updated} changed, ${counts.unchanged} unchanged.`));
        await reload();
      } catch (e) {
        const issues = e instanceof ApiError ? e.issues : [];
        mount(
          result,
          h('div', { role: 'alert', class: 'import-errors' }, h('p', { class: 'error' }, issues.length > 0 ? `Nothing was imported: ${issues.length} problem${issues.length === 1 ? '' : 's'}.` : e instanceof Error ? e.message : String(e)),
            issues.length > 0
              ? h('table', { class: 'data' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Problem'))), h('tbody', {}, issues.map((i) => h('tr', {}, h('td', { class: 'num' }, i.line ?? ''), h('td', {}, h('code', {}, i.path.replace(/^\$\.?/, ''))), h('td', {}, i.reason)))))
              : null,
          ),
        );
      } finally {
        go.disabled = false;
      }
    })();
  });
  return form;
}

/** A new record: its id, then the same page as any record. */
function addForm(kind: Kind): HTMLElement {
  const id = field('md-new-id', 'Id', input({ autocomplete: 'off' }), kind === 'items' ? 'The plant’s item code or a GTIN' : 'A GLN, a URI, or the name events use');
  const go = h('button', { type: 'submit' }, 'Open the form');
  const form = h('form', { class: 'card admin-form', 'aria-labelledby': 'md-new-title' }, h('h2', { id: 'md-new-title' }, `Add one ${kind === 'items' ? 'item' : kind === 'parties' ? 'party' : 'location'}`), id.el, h('div', { class: 'form-buttons' }, go));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (id.control.value.trim() !== '') navigate(`${recordPath(kind, id.control.value.trim())}?new`);
  });
  return form;
}

/** /admin/master-data/{kind}/{id}: the record, its form and its history. */
export async function masterDataRecordPage(kindParam: string, id: string, params: URLSearchParams): Promise<HTMLElement> {
  if (!isKind(kindParam)) return adminMain('Master data', h('p', { class: 'error', role: 'alert' }, `There is no kind of master data called “${kindParam}”.`));
  const kind = kindParam;
  let record: StoredRecord | undefined;
  let versions: Version[] = [];
  try {
    record = await api<StoredRecord>(`/master-data/${kind}/${encodeURIComponent(id)}`);
    versions = (await api<{ versions: Version[] }>(`/master-data/${kind}/${encodeURIComponent(id)}/history`)).versions;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404 && params.has('new'))) throw e;
  }
  const data: Data = record?.data ?? {};
  const fields: Record<string, Field> = Object.fromEntries(FIELDS[kind].map(([path, label, hint], i) => [path, field(`md-field-${i}`, label, input({ value: valueAt(data, path), autocomplete: 'off' }), hint)]));
  const errors = new FormErrors(fields);
  const save = h('button', { type: 'submit', class: 'primary' }, record ? 'Save a new version' : 'Add the record');
  const form = h('form', { class: 'card admin-form', 'aria-labelledby': 'md-edit-title', novalidate: true }, h('h2', { id: 'md-edit-title' }, record ? 'Change' : 'New record'), h('div', { class: 'field-grid' }, Object.values(fields).map((f) => f.el)), errors.general, h('div', { class: 'form-buttons' }, save));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submitting(save, errors, async () => {
      // The whole record, as PUT takes it: fields the form does not show are kept as they were.
      const body: Record<string, unknown> = { ...data };
      delete body['id'];
      for (const [path] of FIELDS[kind]) {
        const v = fields[path]!.control.value.trim();
        const [head, sub] = path.split('.') as [string, string | undefined];
        if (sub !== undefined) {
          const obj = { ...((body[head] as Data | undefined) ?? {}) } as Record<string, unknown>;
          if (v === '') delete obj[sub];
          else obj[sub] = sub === 'quantity' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
          if (Object.keys(obj).length === 0) delete body[head];
          else body[head] = obj;
        } else if (v === '') delete body[head];
        else body[head] = head === 'roles' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : v;
      }
      const r = await api<StoredRecord>(`/master-data/${kind}/${encodeURIComponent(id)}`, { method: 'PUT', body });
      navigate(recordPath(kind, r.key), true);
    });
  });
  const history = h(
    'section',
    { 'aria-labelledby': 'md-history-title' },
    h('h2', { id: 'md-history-title' }, 'History'),
    versions.length === 0
      ? h('p', { class: 'muted' }, 'No version yet.')
      : h(
          'table',
          { class: 'data admin-table history' },
          h('caption', {}, `${versions.length} version${versions.length === 1 ? '' : 's'}, newest first`),
          h('thead', {}, h('tr', {}, ['Version', 'When', 'Who', 'What changed'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            versions
              .map((v, i) => h('tr', { 'data-version': v.version }, h('td', { class: 'num' }, v.version), h('td', {}, when(v.changedAt)), h('td', {}, v.changedBy), h('td', {}, h('ul', { class: 'changes' }, (i === 0 ? ['created', ...changes(undefined, v.data)] : changes(versions[i - 1]!.data, v.data)).map((c) => h('li', {}, c))))))
              .reverse(),
          ),
        ),
  );
  return adminMain(
    record ? `${kindLabel(kind)}: ${titleOf(record)}` : `New: ${id}`,
    h('p', {}, h('a', { href: `/admin/master-data?kind=${kind}`, 'data-link': true }, `All ${kindLabel(kind).toLowerCase()}`)),
    record ? h('dl', { class: 'facts' }, h('dt', {}, 'Key'), h('dd', {}, h('code', {}, record.key)), h('dt', {}, 'Version'), h('dd', {}, `${record.version}, ${when(record.updatedAt)} by ${record.updatedBy}`)) : null,
    form,
    history,
  );
}
