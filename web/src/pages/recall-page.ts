/**
 * The recall workspace: the saved recalls (newest first) with a form to start a new one from lots,
 * a supplier or an item with dates; and one saved recall's scope — affected lots, stock to hold by
 * location, customers to notify, shipments, orders to stop, precision in words — with the holds
 * placed in one confirmed action (quality only), the downloads, and the recall's history.
 * The scope shown is the one saved when it was computed (docs/reports/recall.md).
 */
import type { Principal, RefJson } from '../api.js';
import { API, api, ApiError } from '../api.js';
import type { Child } from '../dom.js';
import { h, mount } from '../dom.js';
import { lotPath, percent, refLabel, refUri, when } from '../names.js';
import { navigate } from '../router.js';
import { statusBadge } from './lot-page.js';

interface Qty {
  readonly quantity: number;
  readonly uom: string;
}

interface Summary {
  readonly lots: number;
  readonly onHandLots: number;
  readonly shipments: number;
  readonly customers: number;
  readonly customersWithoutContact: number;
  readonly inTransit: number;
  readonly packedNotShipped: number;
  readonly targeted: Qty | null;
  readonly broad: Qty | null;
  readonly ratio: number | null;
}

interface RecallEntry {
  readonly id: string;
  readonly computedAt: string;
  readonly computedBy: string;
  readonly asOfSeq: number;
  readonly request: { lots?: string[]; supplier?: string; item?: string; from?: string; to?: string; asOf?: string };
  readonly summary: Summary;
}

interface ScopeLot extends RefJson {
  readonly description: string | null;
  readonly depth: number;
  readonly share: number | null;
  readonly status: string;
  readonly onHand: Qty | null;
  readonly locationName: string | null;
}

interface HoldLot extends RefJson {
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly status: string;
  readonly alreadyHeld: boolean;
  readonly inUnits: readonly string[];
}

interface Shipment extends RefJson {
  readonly eventId: string;
  readonly time: string;
  readonly customerName: string | null;
  readonly customer: string | null;
  readonly order: string | null;
  readonly carrier: string | null;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly share: number | null;
  readonly exposure: Qty | null;
  readonly via?: string;
  readonly inTransit: boolean;
}

interface Customer {
  readonly customer: string;
  readonly name: string;
  readonly onFile: boolean;
  readonly contact: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly address: string | null;
  readonly lots: readonly string[];
  readonly quantities: readonly Qty[];
  readonly exposure: readonly Qty[];
  readonly shipments: readonly string[];
  readonly lastShipped: string;
}

interface OpenOrder {
  readonly kind: 'in_transit' | 'packed_not_shipped';
  readonly order: string | null;
  readonly customerName: string | null;
  readonly unit: string | null;
  readonly time: string | null;
  readonly lots: readonly (RefJson & { quantity: number | null; uom: string | null })[];
}

interface PrecisionItem {
  readonly item: string;
  readonly description: string | null;
  readonly targeted: { lots: number; quantity: number | null; uom: string | null };
  readonly broad: { lots: number; quantity: number | null; uom: string | null };
  readonly ratio: number | null;
}

interface Scope {
  readonly start: { lots: RefJson[]; supplier?: string; supplierName?: string; item?: string; from?: string; to?: string };
  readonly lots: readonly ScopeLot[];
  readonly onHand: readonly { location: string | null; locationName: string; lots: readonly HoldLot[]; totals: readonly Qty[] }[];
  readonly shipments: readonly Shipment[];
  readonly openOrders: readonly OpenOrder[];
  readonly customers: readonly Customer[];
  readonly precision: { items: readonly PrecisionItem[]; targeted: Qty | null; broad: Qty | null; ratio: number | null };
  readonly warnings: readonly string[];
}

interface Action {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly details: { eventId?: string; lots?: Record<string, string>[] };
}

type Recall = RecallEntry & { scope: Scope; actions: Action[] };

/** Rows per page of the long tables: a scope of thousands of lots stays quick to draw and to read. */
export const PAGE_ROWS = 50;
const LIST_ROWS = 25;

const isQuality = (me: Principal | undefined): boolean => me !== undefined && me.kind === 'user' && me.role === 'quality';
const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 3 });
const qty = (q: Qty | null | undefined): string => (q ? `${fmt(q.quantity)} ${q.uom}` : '?');
/** A quantity that may be missing (units that do not convert): `?`. */
const qn = (q: number | null, uom: string | null): string => (q === null ? '?' : `${fmt(q)} ${uom ?? ''}`.trim());
const qtys = (list: readonly Qty[]): string => list.map(qty).join(' + ') || '—';
/** Exposure is share × quantity, a figure to weigh, not to count: one decimal is enough. */
const exposure = (list: readonly Qty[]): string => list.map((q) => `${q.quantity.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${q.uom}`).join(' + ') || '?';
const plural = (n: number, one: string, many = `${one}s`): string => `${fmt(n)} ${n === 1 ? one : many}`;
/** The key the hold result and the scope share for a lot: item and lot code. */
const lotKey = (r: { item?: string; lot?: string; serial?: string }): string => `${r.item ?? ''}\u0000${r.lot ?? ''}\u0000${r.serial ?? ''}`;

/** What a recall started from, in words. */
export function startWords(r: RecallEntry['request']): string {
  const range = r.from || r.to ? ` from ${r.from ?? '…'} to ${r.to ?? '…'} (not included)` : '';
  if (r.lots?.length) return r.lots.map((l) => l.replace(/^urn:lotline:lot:/, '').split(':').map(decodeURIComponent).join(' / ')).join(', ');
  return [r.supplier ? `supplier ${r.supplier}` : '', r.item ? `item ${r.item}` : ''].filter(Boolean).join(', ') + range;
}

/** The precision figure in words: "this recall covers 4,000 EA instead of 5,500 EA (72.7%)". */
export function precisionWords(p: Scope['precision']): string {
  if (!p.targeted || !p.broad) {
    if (p.items.length === 0) return 'No finished item to compare: nothing of the affected lots was made or shipped.';
    return 'The items do not share one unit; see the figures per item below.';
  }
  const same = p.targeted.quantity === p.broad.quantity && p.targeted.uom === p.broad.uom;
  if (same) return `This recall covers ${qty(p.targeted)}, the same as a recall of the same items made on the same dates: the genealogy spares nothing here.`;
  return `This recall covers ${qty(p.targeted)} instead of ${qty(p.broad)} for a recall of the same items made on the same dates (${percent(p.ratio)}).`;
}

/** A table shown a page at a time, with the count and Previous / Next. */
function pagedTable(caption: string, head: readonly (string | [string, string])[], rows: readonly (() => HTMLElement)[], id: string): HTMLElement {
  const wrap = h('div', { class: 'paged', id });
  let page = 0;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));
  const draw = (): void => {
    const from = page * PAGE_ROWS;
    const shown = rows.slice(from, from + PAGE_ROWS);
    const counts = rows.length > PAGE_ROWS ? `${fmt(from + 1)}–${fmt(from + shown.length)} of ${fmt(rows.length)}` : fmt(rows.length);
    mount(
      wrap,
      h(
        'table',
        { class: 'data' },
        h('caption', {}, `${caption} (${counts})`),
        h('thead', {}, h('tr', {}, head.map((c) => (Array.isArray(c) ? h('th', { scope: 'col', class: c[1] }, c[0]) : h('th', { scope: 'col' }, c))))),
        h('tbody', {}, shown.map((r) => r())),
      ),
      pages > 1
        ? h(
            'div',
            { class: 'pager' },
            h('button', { type: 'button', disabled: page === 0, onClick: () => ((page -= 1), draw()) }, 'Previous'),
            h('span', {}, `Page ${page + 1} of ${pages}`),
            h('button', { type: 'button', disabled: page >= pages - 1, onClick: () => ((page += 1), draw()) }, 'Next'),
          )
        : null,
    );
  };
  draw();
  return wrap;
}

const lotLink = (r: RefJson): HTMLElement => h('a', { href: lotPath(refUri(r)), 'data-link': true }, refLabel(r));
const dossierHref = (r: RefJson): string => `${API}/reports/dossier?lot=${encodeURIComponent(refUri(r))}`;

// ---------------------------------------------------------------------------------------------
// The list of saved recalls and the form for a new one.

export async function recallsPage(me: Principal | undefined, params: URLSearchParams): Promise<HTMLElement> {
  document.title = 'Recalls — Lotline';
  const main = h('main', { id: 'main', class: 'page recalls' }, h('h1', {}, 'Recalls'));
  if (isQuality(me)) main.append(newRecallForm(params));
  else main.append(h('p', { class: 'note' }, 'Computing a recall and placing its holds needs the role quality; you can read the saved recalls.'));
  const list = h('section', { 'aria-labelledby': 'saved-title' }, h('h2', { id: 'saved-title' }, 'Saved recalls'));
  main.append(list);
  let offset = 0;
  const more = async (): Promise<void> => {
    try {
      const { recalls } = await api<{ recalls: RecallEntry[] }>(`/recalls?limit=${LIST_ROWS + 1}&offset=${offset}`);
      const shown = recalls.slice(0, LIST_ROWS);
      list.querySelector('.pager')?.remove();
      if (offset === 0 && shown.length === 0) list.append(h('p', { class: 'muted' }, 'No recall has been computed yet.'));
      else {
        let tbody = list.querySelector('tbody');
        if (!tbody) {
          tbody = h('tbody');
          list.append(
            h(
              'table',
              { class: 'data recall-list' },
              h('thead', {}, h('tr', {}, ['Recall', 'Computed', 'By', 'Started from', ['Lots', 'num'], ['On hand', 'num'], ['Customers', 'num'], 'Precision'].map((c) => (Array.isArray(c) ? h('th', { scope: 'col', class: c[1] }, c[0]) : h('th', { scope: 'col' }, c))))),
              tbody,
            ),
          );
        }
        tbody.append(
          ...shown.map((r) =>
            h(
              'tr',
              { 'data-recall': r.id },
              h('td', { class: 'nowrap' }, h('a', { href: `/recalls/${encodeURIComponent(r.id)}`, 'data-link': true }, r.id)),
              h('td', { class: 'nowrap' }, when(r.computedAt)),
              h('td', {}, r.computedBy),
              h('td', {}, startWords(r.request)),
              h('td', { class: 'num' }, fmt(r.summary.lots)),
              h('td', { class: 'num' }, fmt(r.summary.onHandLots)),
              h('td', { class: 'num' }, fmt(r.summary.customers), r.summary.customersWithoutContact ? h('div', { class: 'warn-text' }, `${r.summary.customersWithoutContact} without contact`) : null),
              h('td', {}, r.summary.targeted && r.summary.broad ? `${qty(r.summary.targeted)} of ${qty(r.summary.broad)} (${percent(r.summary.ratio)})` : '—'),
            ),
          ),
        );
      }
      if (recalls.length > LIST_ROWS) {
        offset += LIST_ROWS;
        list.append(h('div', { class: 'pager' }, h('button', { type: 'button', onClick: () => void more() }, 'Older recalls')));
      }
    } catch (e) {
      list.append(h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  await more();
  return main;
}

/** Master-data suggestions for a field (suppliers or items); the field still takes anything typed. */
function suggest(list: HTMLDataListElement, kind: 'parties' | 'items', only?: string): void {
  void api<{ records: { key: string; data: Record<string, unknown> }[] }>(`/master-data/${kind}?limit=1000`)
    .then(({ records }) => {
      for (const r of records) {
        const roles = r.data['roles'];
        if (only && Array.isArray(roles) && !roles.includes(only)) continue;
        const id = String(r.data['id'] ?? r.key.replace(/^\w+:/, ''));
        const name = r.data['name'] ?? r.data['description'];
        list.append(h('option', { value: id }, typeof name === 'string' && name !== id ? name : null));
      }
    })
    .catch(() => undefined);
}

function newRecallForm(params: URLSearchParams): HTMLElement {
  const startLot = params.get('lot') ?? '';
  const field = (id: string, label: string, input: HTMLElement, hint?: string): { el: HTMLElement; error: HTMLElement } => {
    const error = h('p', { class: 'error field-error', id: `${id}-error`, role: 'alert', hidden: true });
    input.setAttribute('aria-describedby', `${id}-error${hint ? ` ${id}-hint` : ''}`);
    return { el: h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('span', { class: 'muted hint', id: `${id}-hint` }, hint) : null, error), error };
  };
  const kind = (value: string, label: string) => {
    const input = h('input', { type: 'radio', name: 'start', value, id: `start-${value}` });
    return { input, el: h('label', { class: 'check', for: `start-${value}` }, input, ` ${label}`) };
  };
  const byLot = kind('lots', 'Lots');
  const bySupplier = kind('supplier', 'A supplier');
  const byItem = kind('item', 'An item');
  byLot.input.checked = true;
  const lots = h('textarea', { id: 'recall-lots', rows: 3, placeholder: 'urn:lotline:lot:FLOUR-T55:F-0504, (01)…(10)…, or ITEM / LOT — one per line' }, startLot);
  const supplier = h('input', { id: 'recall-supplier', list: 'recall-suppliers', autocomplete: 'off', placeholder: 'GLN or the name events use' });
  const item = h('input', { id: 'recall-item', list: 'recall-items', autocomplete: 'off', placeholder: 'item code or GTIN' });
  const from = h('input', { id: 'recall-from', type: 'date' });
  const to = h('input', { id: 'recall-to', type: 'date' });
  const suppliers = h('datalist', { id: 'recall-suppliers' });
  const items = h('datalist', { id: 'recall-items' });
  suggest(suppliers, 'parties', 'supplier');
  suggest(items, 'items');
  const f = {
    lots: field('recall-lots', 'Lots', lots, 'One per line: any identifier form, or ITEM / LOT.'),
    supplier: field('recall-supplier', 'Supplier', supplier, 'Its lots received in the date range.'),
    item: field('recall-item', 'Item', item, 'With a supplier: only this item. Alone: its lots made or received in the range.'),
    from: field('recall-from', 'From', from),
    to: field('recall-to', 'To (not included)', to),
  };
  const formError = h('p', { class: 'error', role: 'alert', hidden: true, id: 'recall-form-error' });
  const progress = h('div', { class: 'computing', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Compute the recall');
  const lotsPart = h('div', { class: 'start-part' }, f.lots.el);
  const rangePart = h('div', { class: 'start-part range' }, f.supplier.el, f.item.el, h('div', { class: 'dates' }, f.from.el, f.to.el));
  const showPart = (): void => {
    lotsPart.hidden = !byLot.input.checked;
    rangePart.hidden = byLot.input.checked;
    f.supplier.el.hidden = byItem.input.checked;
  };
  for (const k of [byLot, bySupplier, byItem]) k.input.addEventListener('change', showPart);
  showPart();
  const form = h(
    'form',
    { class: 'recall-form card', 'aria-labelledby': 'new-recall-title', novalidate: true },
    h('h2', { id: 'new-recall-title' }, 'New recall'),
    h('fieldset', { class: 'start-kind' }, h('legend', {}, 'Start from'), byLot.el, bySupplier.el, byItem.el),
    lotsPart,
    rangePart,
    suppliers,
    items,
    formError,
    h('div', { class: 'toolbar' }, submit, progress),
  );
  const clear = (): void => {
    formError.hidden = true;
    for (const x of Object.values(f)) {
      x.error.hidden = true;
      x.error.textContent = '';
      x.el.querySelector('input, textarea')?.removeAttribute('aria-invalid');
    }
  };
  const fieldError = (name: keyof typeof f, message: string): void => {
    const x = f[name];
    x.error.textContent = message;
    x.error.hidden = false;
    const input = x.el.querySelector<HTMLElement>('input, textarea');
    input?.setAttribute('aria-invalid', 'true');
    input?.focus();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clear();
    const body: Record<string, unknown> = {};
    if (byLot.input.checked) {
      const list = lots.value.split(/\n/).map((l) => l.trim()).filter(Boolean);
      if (list.length === 0) return fieldError('lots', 'Lots: give at least one lot.');
      body['lots'] = list.map((l) => {
        // "ITEM / LOT", as the pages write a lot, is taken as plant codes.
        const m = /^(.+?)\s+\/\s+(.+)$/.exec(l);
        return m ? { item: m[1]!, lot: m[2]! } : l;
      });
    } else {
      if (bySupplier.input.checked && supplier.value.trim()) body['supplier'] = supplier.value.trim();
      else if (bySupplier.input.checked) return fieldError('supplier', 'Supplier: name the supplier.');
      if (item.value.trim()) body['item'] = item.value.trim();
      else if (byItem.input.checked) return fieldError('item', 'Item: name the item.');
      if (from.value) body['from'] = from.value;
      if (to.value) body['to'] = to.value;
    }
    submit.disabled = true;
    const started = Date.now();
    const tick = (): void => {
      mount(progress, h('progress', { 'aria-label': 'Computing the recall' }), ` Computing the scope… ${Math.round((Date.now() - started) / 1000)} s`);
    };
    tick();
    const timer = setInterval(tick, 1000);
    api<RecallEntry>('/recalls', { method: 'POST', body })
      .then((r) => navigate(`/recalls/${encodeURIComponent(r.id)}`))
      .catch((e: unknown) => {
        if (!(e instanceof ApiError)) {
          formError.textContent = `Could not reach the server: ${String(e)}`;
          formError.hidden = false;
          return;
        }
        // The field the server names gets the message; else the start the request came from.
        const named = e.issues
          .map((i) => ({ name: i.path.replace(/^\$\./, '').split(/[.[]/)[0] as keyof typeof f, reason: i.reason }))
          .filter((i) => i.name in f);
        if (named.length) for (const i of named) fieldError(i.name, `${i.name === 'to' ? 'To' : i.name === 'from' ? 'From' : i.name[0]!.toUpperCase() + i.name.slice(1)}: ${i.reason}`);
        else if (/\bthe (from|to) time\b/.exec(e.message)) fieldError(/\bthe from time\b/.test(e.message) ? 'from' : 'to', e.message);
        else if (e.code === 'LOT_NOT_FOUND' || e.code.startsWith('ID_')) fieldError(byLot.input.checked ? 'lots' : byItem.input.checked ? 'item' : 'supplier', e.message);
        else {
          formError.textContent = e.message;
          formError.hidden = false;
        }
      })
      .finally(() => {
        clearInterval(timer);
        mount(progress);
        submit.disabled = false;
      });
  });
  return form;
}

// ---------------------------------------------------------------------------------------------
// One saved recall: the workspace.

export async function recallPage(id: string, me: Principal | undefined): Promise<HTMLElement> {
  const main = h('main', { id: 'main', class: 'page recall' });
  let r: Recall;
  try {
    r = await api<Recall>(`/recalls/${encodeURIComponent(id)}`);
  } catch (e) {
    document.title = 'Recall not found — Lotline';
    mount(main, h('h1', {}, 'Recall not found'), h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)), h('p', {}, h('a', { href: '/recalls', 'data-link': true }, 'All recalls')));
    return main;
  }
  document.title = `${r.id} — Lotline`;
  const sc = r.scope;
  const sm = r.summary;
  const held = heldByThisRecall(r.actions);
  const toHold = sc.onHand.flatMap((g) => g.lots.filter((l) => !l.alreadyHeld && !held.has(lotKey(l))));
  mount(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/recalls', 'data-link': true }, 'Recalls'), ' / ', r.id),
    h('div', { class: 'title-row' }, h('h1', {}, `Recall ${r.id}`)),
    h('p', { class: 'lead' }, `Started from ${startWords(r.request)}. Computed ${when(r.computedAt)} by ${r.computedBy}, from the records up to log position ${r.asOfSeq}.`),
    h(
      'ul',
      { class: 'headline', 'aria-label': 'Scope in figures' },
      figure(sm.lots, 'affected lot', 'affected lots'),
      figure(sm.onHandLots, 'lot on hand to hold', 'lots on hand to hold'),
      figure(sm.customers, 'customer to notify', 'customers to notify'),
      figure(sm.shipments, 'shipment', 'shipments'),
      figure(sm.inTransit + sm.packedNotShipped, 'order to stop', 'orders to stop'),
    ),
    h('p', { class: 'precision', id: 'precision' }, precisionWords(sc.precision)),
    sc.warnings.length ? h('ul', { class: 'banner held warnings', 'aria-label': 'Warnings' }, sc.warnings.map((w) => h('li', {}, w))) : null,
    holdBar(r, toHold, me),
    downloads(r),
    section('lots', 'Affected lots', lotsTable(sc.lots)),
    section('on-hand', 'On hand — to hold', onHandTables(sc.onHand, held)),
    section('customers', 'Customers to notify', customersTable(sc.customers)),
    section('shipments', 'Shipments', shipmentsTable(sc.shipments)),
    section('orders', 'Orders that can still be stopped', ordersTable(sc.openOrders)),
    section('precision-items', 'Precision per item', precisionTable(sc.precision.items)),
    section('history', 'History', history(r)),
  );
  return main;
}

const figure = (n: number, one: string, many: string): HTMLElement => h('li', {}, h('strong', {}, fmt(n)), ` ${n === 1 ? one : many}`);

const section = (id: string, title: string, body: Child): HTMLElement => h('section', { 'aria-labelledby': `${id}-title`, id: `section-${id}` }, h('h2', { id: `${id}-title` }, title), body);

/** The lots held by this recall's earlier hold actions. */
function heldByThisRecall(actions: readonly Action[]): Map<string, Action> {
  const out = new Map<string, Action>();
  for (const a of actions) if (a.action === 'holds-placed') for (const l of a.details.lots ?? []) out.set(lotKey(l), a);
  return out;
}

function holdBar(r: Recall, toHold: readonly HoldLot[], me: Principal | undefined): HTMLElement | null {
  if (!isQuality(me)) return null;
  const result = h('div', { 'aria-live': 'polite', id: 'hold-result' });
  const bar = h('div', { class: 'actions' });
  if (r.scope.onHand.length === 0) bar.append(h('p', { class: 'muted' }, 'Nothing of the affected lots is on hand: there is nothing to hold.'));
  else if (toHold.length === 0) bar.append(h('p', { class: 'muted' }, 'Nothing left to hold: every lot on hand is held.'));
  else bar.append(h('button', { type: 'button', class: 'danger', onClick: () => confirmHolds(r, toHold, result, me) }, `Place holds on ${plural(toHold.length, 'lot')}`));
  return h('div', {}, bar, result);
}

function confirmHolds(r: Recall, toHold: readonly HoldLot[], result: HTMLElement, me: Principal | undefined): void {
  const error = h('p', { class: 'error', role: 'alert', hidden: true, id: 'recall-hold-error' });
  const reason = h('input', { id: 'recall-hold-reason', required: true, maxlength: 500, value: `Recall ${r.id}`, 'aria-describedby': 'recall-hold-error' });
  const submit = h('button', { type: 'submit', class: 'danger' }, `Hold ${plural(toHold.length, 'lot')}`);
  const shown = toHold.slice(0, 20);
  const form = h(
    'form',
    { method: 'dialog' },
    h(
      'div',
      { class: 'dialog-body' },
      h('p', {}, `One hold event puts ${plural(toHold.length, 'lot')} on hold, with ${r.id} as its reference. Using or shipping a held lot raises a critical exception.`),
      h('ul', { class: 'hold-list' }, shown.map((l) => h('li', {}, refLabel(l), ` — ${qn(l.quantity, l.uom)}`)), toHold.length > shown.length ? h('li', {}, `and ${fmt(toHold.length - shown.length)} more`) : null),
      h('label', { for: 'recall-hold-reason' }, 'Reason'),
      reason,
    ),
    error,
    h('div', { class: 'dialog-buttons' }, h('button', { type: 'button', onClick: () => dlg.close() }, 'Cancel'), submit),
  );
  const dlg = h('dialog', { id: 'recall-hold-dialog', class: 'modal', 'aria-labelledby': 'recall-hold-title' }, h('h2', { id: 'recall-hold-title' }, `Place holds for ${r.id}`), form);
  dlg.addEventListener('close', () => dlg.remove());
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    api<{ eventId: string | null; lots: Record<string, string>[] }>(`/recalls/${encodeURIComponent(r.id)}/holds`, { method: 'POST', body: { reason: reason.value } })
      .then((out) => {
        dlg.close();
        const placed = new Set(out.lots.map(lotKey));
        const already = toHold.filter((l) => !placed.has(lotKey(l)));
        mount(
          result,
          h(
            'div',
            { class: 'banner ok', role: 'status' },
            out.lots.length ? `Holds placed on ${plural(out.lots.length, 'lot')}.` : 'No hold placed: nothing was left to hold.',
            already.length ? ` Already held: ${already.map((l) => refLabel(l)).join(', ')}.` : '',
          ),
        );
        // The history and the hold marks come from the saved recall: read it again, keeping the result shown.
        void recallPage(r.id, me).then((fresh) => {
          const main = result.closest('main');
          if (!main || location.pathname !== `/recalls/${encodeURIComponent(r.id)}`) return;
          fresh.querySelector('#hold-result')?.replaceWith(result);
          main.replaceWith(fresh);
        });
      })
      .catch((e: unknown) => {
        error.textContent = e instanceof ApiError ? e.message : `Could not reach the server: ${String(e)}`;
        error.hidden = false;
        if (e instanceof ApiError && e.issues.some((i) => i.path.includes('reason'))) {
          reason.setAttribute('aria-invalid', 'true');
          reason.focus();
        }
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  document.body.append(dlg);
  dlg.showModal();
  submit.focus();
}

function downloads(r: Recall): HTMLElement {
  const id = encodeURIComponent(r.id);
  // The FSMA sheet of exactly the affected lots: the start lots and everything they went into.
  const tlc = r.scope.start.lots.map((l) => refUri(l)).join('|');
  const fsma = (format: string): string => `${API}/reports/fsma204?tlc=${encodeURIComponent(tlc)}&direction=forward&format=${format}`;
  const starts = r.scope.start.lots;
  return h(
    'nav',
    { class: 'downloads', 'aria-label': 'Downloads' },
    h('a', { class: 'button', href: `${API}/recalls/${id}/notification.csv`, download: `${r.id}.notification.csv` }, 'Notification list (CSV)'),
    h('a', { class: 'button', href: fsma('csv'), download: `${r.id}.fsma204.csv` }, 'FSMA 204 (CSV)'),
    h('a', { class: 'button', href: fsma('xlsx'), download: `${r.id}.fsma204.xlsx` }, 'FSMA 204 (XLSX)'),
    starts.length <= 5 ? starts.map((l) => h('a', { class: 'button', href: dossierHref(l), download: '' }, `Dossier ${refLabel(l)} (PDF)`)) : h('span', { class: 'muted' }, 'A dossier per lot is in the Affected lots table.'),
  );
}

function lotsTable(lots: readonly ScopeLot[]): HTMLElement {
  return pagedTable(
    'Affected lots',
    ['Lot', 'Description', ['Steps', 'num'], ['Share', 'num'], 'Status', ['On hand', 'num'], 'Where', 'Dossier'],
    lots.map((l) => () =>
      h(
        'tr',
        {},
        h('td', {}, lotLink(l)),
        h('td', {}, l.description ?? ''),
        h('td', { class: 'num' }, l.depth),
        h('td', { class: 'num' }, percent(l.share)),
        h('td', {}, statusBadge(l.status)),
        h('td', { class: 'num' }, l.onHand ? qty(l.onHand) : '—'),
        h('td', {}, l.locationName ?? ''),
        h('td', {}, h('a', { href: dossierHref(l), download: '', 'aria-label': `PDF, dossier of ${refLabel(l)}` }, 'PDF')),
      ),
    ),
    'lots-table',
  );
}

function onHandTables(groups: Scope['onHand'], held: Map<string, Action>): HTMLElement {
  if (groups.length === 0) return h('p', { class: 'muted' }, 'Nothing of the affected lots is on hand.');
  const rows = groups.flatMap((g) =>
    g.lots.map((l) => () => {
      const by = held.get(lotKey(l));
      return h(
        'tr',
        {},
        h('td', {}, g.locationName),
        h('td', {}, lotLink(l)),
        h('td', { class: 'num' }, qn(l.quantity, l.uom)),
        h('td', {}, l.inUnits.join(', ')),
        h('td', {}, l.alreadyHeld ? statusBadge('on_hold') : by ? h('span', {}, statusBadge('on_hold'), ` by this recall, ${when(by.time)}`) : statusBadge(l.status)),
      );
    }),
  );
  return h(
    'div',
    {},
    h('ul', { class: 'totals', 'aria-label': 'On hand by location' }, groups.map((g) => h('li', {}, h('strong', {}, g.locationName), `: ${qtys(g.totals)} in ${plural(g.lots.length, 'lot')}`))),
    pagedTable('Lots on hand', ['Location', 'Lot', ['Quantity', 'num'], 'On pallet / case', 'Status'], rows, 'on-hand-table'),
  );
}

function customersTable(customers: readonly Customer[]): HTMLElement {
  if (customers.length === 0) return h('p', { class: 'muted' }, 'No affected lot was shipped: no customer to notify.');
  const missing = customers.filter((c) => !c.onFile).length;
  return h(
    'div',
    {},
    missing ? h('p', { class: 'banner held', role: 'note' }, `${plural(missing, 'customer has', 'customers have')} no contact on file: find the contact elsewhere, and add it to master data for next time.`) : null,
    pagedTable(
      'Customers',
      ['Customer', 'Contact', 'Lots', ['Shipped', 'num'], ['Exposure', 'num'], ['Shipments', 'num'], 'Last shipped'],
      customers.map((c) => () =>
        h(
          'tr',
          { 'data-customer': c.name },
          h('td', {}, c.name),
          h('td', {}, c.onFile ? [c.contact, c.phone, c.email, c.address].filter(Boolean).map((x, i) => h('div', { class: i ? 'muted' : '' }, x)) : h('span', { class: 'warn-text' }, '⚠ no contact on file')),
          // A customer of a big recall received dozens of lots: the count, and the list on request.
          h('td', {}, c.lots.length <= 3 ? c.lots.join(', ') : h('details', {}, h('summary', {}, `${c.lots.length} lots`), h('ul', { class: 'lot-codes' }, c.lots.map((l) => h('li', {}, l))))),
          h('td', { class: 'num' }, qtys(c.quantities)),
          h('td', { class: 'num' }, exposure(c.exposure)),
          h('td', { class: 'num' }, c.shipments.length),
          h('td', { class: 'nowrap' }, when(c.lastShipped)),
        ),
      ),
      'customers-table',
    ),
  );
}

function shipmentsTable(shipments: readonly Shipment[]): HTMLElement {
  if (shipments.length === 0) return h('p', { class: 'muted' }, 'No affected lot was shipped.');
  return pagedTable(
    'Shipments',
    ['Shipped', 'Customer', 'Order', 'Lot', ['Quantity', 'num'], ['Share', 'num'], ['Exposure', 'num'], 'Pallet / case', 'Carrier'],
    shipments.map((s) => () =>
      h(
        'tr',
        {},
        h('td', { class: 'nowrap' }, when(s.time), s.inTransit ? h('div', { class: 'warn-text' }, 'in transit') : null),
        h('td', {}, s.customerName ?? s.customer ?? ''),
        h('td', {}, s.order ?? ''),
        h('td', {}, lotLink(s)),
        h('td', { class: 'num' }, qn(s.quantity, s.uom)),
        h('td', { class: 'num' }, percent(s.share)),
        h('td', { class: 'num' }, exposure(s.exposure ? [s.exposure] : [])),
        h('td', {}, s.via ? h('a', { href: lotPath(`(00)${s.via}`), 'data-link': true }, s.via) : ''),
        h('td', {}, s.carrier ?? ''),
      ),
    ),
    'shipments-table',
  );
}

function ordersTable(orders: readonly OpenOrder[]): HTMLElement {
  if (orders.length === 0) return h('p', { class: 'muted' }, 'None: no affected shipment is in transit, and no packed pallet or case holds affected stock.');
  return pagedTable(
    'Orders to stop',
    ['Kind', 'Order', 'Customer', 'Pallet / case', 'When', 'Lots'],
    orders.map((o) => () =>
      h(
        'tr',
        {},
        h('td', {}, o.kind === 'in_transit' ? 'in transit: call the carrier' : 'packed, not shipped: stop it at the dock'),
        h('td', {}, o.order ?? ''),
        h('td', {}, o.customerName ?? ''),
        h('td', {}, o.unit ?? ''),
        h('td', { class: 'nowrap' }, o.time ? when(o.time) : ''),
        h('td', {}, o.lots.map((l, i) => [i ? ', ' : '', refLabel(l), ` (${qn(l.quantity, l.uom)})`])),
      ),
    ),
    'orders-table',
  );
}

function precisionTable(items: readonly PrecisionItem[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, 'No finished item to compare.');
  const q = (x: { lots: number; quantity: number | null; uom: string | null }): string => `${x.quantity !== null ? `${fmt(x.quantity)} ${x.uom ?? ''}` : '?'} in ${plural(x.lots, 'lot')}`;
  return pagedTable(
    'Targeted against the same item on the same dates',
    ['Item', ['This recall', 'num'], ['Same item, same dates', 'num'], ['Ratio', 'num']],
    items.map((i) => () => h('tr', {}, h('td', {}, i.item, i.description ? h('div', { class: 'muted' }, i.description) : null), h('td', { class: 'num' }, q(i.targeted)), h('td', { class: 'num' }, q(i.broad)), h('td', { class: 'num' }, percent(i.ratio)))),
    'precision-table',
  );
}

function history(r: Recall): HTMLElement {
  return h(
    'ol',
    { class: 'timeline recall-history' },
    h('li', {}, h('time', { datetime: r.computedAt }, when(r.computedAt)), h('strong', {}, 'computed'), ` by ${r.computedBy} (log position ${r.asOfSeq})`),
    r.actions.map((a) =>
      h(
        'li',
        {},
        h('time', { datetime: a.time }, when(a.time)),
        h('strong', {}, a.action === 'holds-placed' ? 'holds placed' : a.action.replace(/-/g, ' ')),
        ` by ${a.actor}`,
        a.action === 'holds-placed' ? `: ${a.details.lots?.length ? a.details.lots.map((l) => refLabel(l as unknown as RefJson)).join(', ') : 'nothing left to hold'}` : '',
      ),
    ),
  );
}
