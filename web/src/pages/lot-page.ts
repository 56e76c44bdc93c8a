/**
 * A lot's page: where it is now (status, on hand, location, hold), its genealogy drawn left to
 * right (click a lot to re-centre on it), the same trace as tables with a CSV download, and the
 * lot's events. A logistic unit (SSCC) shows what it holds.
 */
import { detailsList, eventDetails } from '../event-details.js';
import type { Principal, RefJson, TraceResult } from '../api.js';
import { api, ApiError } from '../api.js';
import { h, mount } from '../dom.js';
import { buildGraphModel, GROUP_THRESHOLD, openingDepth } from '../graph/graph-model.js';
import { download, drawGraph, paintGroup, paintStatus, pngBlob, svgText } from '../graph/draw-graph.js';
import type { PlacedNode } from '../graph/layout.js';
import { layoutGraph } from '../graph/layout.js';
import { lotPath, placeName, quantity, refLabel, refUri, when } from '../names.js';
import { navigate } from '../router.js';
import { holdActions } from './hold-actions.js';
import { traceCsv, traceRows } from '../trace-csv.js';
import { traceTables } from '../trace-table.js';

interface LotState {
  readonly ref: RefJson;
  readonly status: string;
  readonly onHand: { quantity: number; uom: string } | null;
  readonly location: string | null;
  readonly lastEvent: { eventId: string; bizStep: string | null; time: string; location: string | null } | null;
  readonly hold: { since: string; eventId: string; reason: string | null } | null;
  readonly balance: { received: number; produced: number; consumed: number; shipped: number; scrapped: number; adjusted: number; uom: string } | null;
  readonly supplierLots: readonly string[];
  readonly inUnits: readonly string[];
  readonly events: number;
}

interface UnitState {
  readonly unit: { scheme: string; id: string };
  readonly contents: readonly { ref: RefJson; quantity?: number; uom?: string }[];
  readonly lastEvent: { bizStep: string | null; time: string; location: string | null } | null;
  readonly events: number;
}

interface EventRow {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly action: string | null;
  readonly bizStep: string | null;
  readonly disposition: string | null;
  readonly eventTime: string;
  readonly bizLocation: string | null;
  readonly readPoint: string | null;
  readonly source: string | null;
  readonly destination: string | null;
  readonly voidSeq: number | null;
  readonly recordedBy: string | null;
  readonly role: string;
  readonly epcis?: Readonly<Record<string, unknown>>;
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  on_hold: 'On hold',
  released: 'Released',
  consumed: 'Consumed',
  shipped: 'Shipped',
  recalled: 'Recalled',
  destroyed: 'Destroyed',
};

/** What the lot was in an event. */
const ROLE_WORDS: Readonly<Record<string, string>> = { input: 'used as input', output: 'produced', parent: 'as the unit', object: '' };

/** A CBV value as words: creating_class_instance → creating class instance. */
const words = (v: string | null): string => (v ?? '').replace(/^.*[-:]/, '').replace(/_/g, ' ');

export const statusBadge = (status: string) => h('span', { class: `badge status-${status}` }, STATUS_WORDS[status] ?? status);

function facts(rows: readonly [string, unknown][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    rows.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v as Node | string)]),
  );
}

export async function lotPage(ref: string, me?: Principal, reload: () => void = () => undefined): Promise<HTMLElement> {
  const main = h('main', { id: 'main', class: 'page lot-page' });
  let state: LotState | UnitState;
  try {
    state = await api<LotState | UnitState>(`/lots/${encodeURIComponent(ref)}`);
  } catch (e) {
    mount(main, h('h1', {}, 'Lot not found'), h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)), h('p', {}, h('a', { href: '/', 'data-link': true }, 'Search again')));
    return main;
  }
  if ('unit' in state) return unitPage(main, state);
  const lot = state;
  const title = refLabel(lot.ref);
  document.title = `${title} — Lotline`;
  const b = lot.balance;
  mount(
    main,
    h('div', { class: 'title-row' }, h('h1', {}, title), statusBadge(lot.status)),
    lot.hold ? h('p', { class: 'banner held', role: 'status' }, `On hold since ${when(lot.hold.since)}${lot.hold.reason ? `: ${lot.hold.reason}` : ''}.`) : null,
    lot.status === 'destroyed' ? null : holdActions(ref, title, lot.hold !== null, me, reload),
    me?.kind === 'user' && me.role === 'quality' ? h('p', {}, h('a', { href: `/recalls?lot=${encodeURIComponent(refUri(lot.ref))}`, 'data-link': true }, 'Start a recall…')) : null,
    facts([
      ['On hand', lot.onHand ? quantity(lot.onHand.quantity, lot.onHand.uom) : 'unknown (units do not convert)'],
      ['Location', placeName(lot.location) || 'not recorded'],
      ['Last event', lot.lastEvent ? `${words(lot.lastEvent.bizStep) || 'event'} at ${when(lot.lastEvent.time)}` : null],
      ['Balance', b ? `received ${b.received} + produced ${b.produced} − consumed ${b.consumed} − shipped ${b.shipped} − scrapped ${b.scrapped} ± adjusted ${b.adjusted} (${b.uom})` : null],
      ['Supplier lot', lot.supplierLots.join(', ')],
      ['On units', lot.inUnits.length ? h('span', {}, lot.inUnits.map((u, i) => [i ? ', ' : '', h('a', { href: lotPath(`(00)${u}`), 'data-link': true }, u)])) : null],
    ]),
  );
  const graphSection = h('section', { 'aria-labelledby': 'graph-title', class: 'graph-section' }, h('h2', { id: 'graph-title' }, 'Genealogy'), h('p', { class: 'muted' }, 'Tracing…'));
  const tableSection = h('section', { 'aria-labelledby': 'table-title' }, h('h2', { id: 'table-title' }, 'Trace table'));
  const eventsSection = h('section', { 'aria-labelledby': 'events-title' }, h('h2', { id: 'events-title' }, 'Events'), h('p', { class: 'muted' }, 'Loading…'));
  main.append(graphSection, tableSection, eventsSection);

  // The state shows at once; the traces and the drawing follow (a big graph takes a moment to lay out).
  void (async () => {
    const q = `ref=${encodeURIComponent(ref)}`;
    const [backward, forward] = await Promise.all([api<TraceResult>(`/trace/backward?${q}`), api<TraceResult>(`/trace/forward?${q}`)]).catch((e: unknown) => {
      mount(graphSection, h('h2', { id: 'graph-title' }, 'Genealogy'), h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
      return [undefined, undefined] as const;
    });
    if (!backward || !forward) return;
    tableSection.append(
      h('p', {}, h('button', { type: 'button', onClick: () => download(`trace-${title.replace(/[^\w.-]+/g, '_')}.csv`, new Blob([traceCsv(traceRows(backward, forward))], { type: 'text/csv;charset=utf-8' })) }, 'Download CSV')),
      traceTables(backward, forward),
    );
    // Let the browser paint the tables before the layout runs.
    await new Promise((r) => setTimeout(r, 0));
    graphPanel(graphSection, backward, forward, title);
  })();
  void timeline(eventsSection, ref);
  return main;
}

function unitPage(main: HTMLElement, unit: UnitState): HTMLElement {
  const title = `${unit.unit.scheme.toUpperCase()} ${unit.unit.id}`;
  document.title = `${title} — Lotline`;
  mount(
    main,
    h('h1', {}, title),
    facts([['Last event', unit.lastEvent ? `${words(unit.lastEvent.bizStep) || 'event'} at ${when(unit.lastEvent.time)}${unit.lastEvent.location ? `, ${placeName(unit.lastEvent.location)}` : ''}` : null]]),
    h(
      'table',
      { class: 'data' },
      h('caption', {}, `On the unit (${unit.contents.length})`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Lot'), h('th', { scope: 'col', class: 'num' }, 'Quantity'))),
      h('tbody', {}, unit.contents.map((c) => h('tr', {}, h('td', {}, h('a', { href: lotPath(refUri(c.ref)), 'data-link': true }, refLabel(c.ref))), h('td', { class: 'num' }, quantity(c.quantity, c.uom))))),
    ),
  );
  return main;
}

/** Above this many boxes the graph opens with fewer levels (the drawing's DOM, not the layout, is then what costs). */
const FULL_GRAPH_BOXES = 1000;

/** The drawing with its controls: levels shown each way, zoom, export. */
function graphPanel(section: HTMLElement, backward: TraceResult, forward: TraceResult, title: string): void {
  const full = buildGraphModel(backward, forward);
  const levels = (max: number) => ['all', ...Array.from({ length: max }, (_, i) => String(i + 1))];
  const back = h('select', { id: 'levels-back' }, levels(full.levelsBack).map((v) => h('option', { value: v }, v)));
  const fwd = h('select', { id: 'levels-forward' }, levels(full.levelsForward).map((v) => h('option', { value: v }, v)));
  // The whole graph opens when it is laid out and drawn in a moment (300 boxes take some 30 ms of CPU);
  // past FULL_GRAPH_BOXES, as many levels each way as stay under it, and a "+N more" to show all.
  const depth = openingDepth(backward, forward, FULL_GRAPH_BOXES);
  if (full.levelsBack > depth) back.value = String(depth);
  if (full.levelsForward > depth) fwd.value = String(depth);
  const viewport = h('div', { class: 'graph-viewport', tabindex: 0, 'aria-label': 'Genealogy drawing; scroll to pan' });
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const showAll = h('button', { type: 'button', class: 'more-levels', hidden: true }, '');
  // Crowded columns are drawn as group boxes; each opens on a click, or all with this button.
  const expanded = new Set<string>();
  let grouping = true;
  const groupsButton = h('button', { type: 'button', class: 'expand-groups', hidden: true }, 'Expand all groups');
  const groupNote = h('p', { class: 'muted group-note', 'aria-live': 'polite' });
  let groupOfLot = new Map<string, PlacedNode>();
  let zoom = 1;
  let svg: SVGSVGElement | undefined;
  const status = new Map<string, string>();
  const applyZoom = () => {
    if (!svg) return;
    svg.setAttribute('width', String(Math.round(svg.viewBox.baseVal.width * zoom)));
    svg.setAttribute('height', String(Math.round(svg.viewBox.baseVal.height * zoom)));
  };
  const draw = (focusId?: string) => {
    const limit = (v: string) => (v === 'all' ? Infinity : Number(v));
    const t0 = performance.now();
    const model = buildGraphModel(backward, forward, { back: limit(back.value), forward: limit(fwd.value), ...(grouping ? { group: { threshold: GROUP_THRESHOLD, expanded } } : {}) });
    const laid = layoutGraph(model);
    const t1 = performance.now();
    const onExpand = (n: PlacedNode) => {
      expanded.add(n.id);
      draw(n.members?.[0]);
    };
    svg = drawGraph(laid, { status, onChoose: (n) => n.ref && navigate(lotPath(refUri(n.ref))), onExpand });
    const groups = laid.nodes.filter((n) => n.kind === 'group');
    groupOfLot = new Map(groups.flatMap((g) => (g.members ?? []).map((m) => [m, g] as const)));
    mount(viewport, svg);
    // How long this drawing took (read by the browser test that reports the figures).
    viewport.dataset['layoutMs'] = (t1 - t0).toFixed(1);
    viewport.dataset['drawMs'] = (performance.now() - t1).toFixed(1);
    // A small graph gets a small frame; a large one a frame of most of the screen, scrolled inside.
    viewport.style.height = `${Math.min(laid.height + 24, Math.max(320, Math.round(window.innerHeight * 0.7)))}px`;
    applyZoom();
    const grouped = groupOfLot.size;
    const lots = model.nodes.filter((n) => n.kind === 'lot').length + grouped;
    const hidden = full.nodes.filter((n) => n.kind === 'lot').length - lots;
    groupNote.textContent = grouped > 0 ? `${grouped} of them in ${groups.length} group${groups.length === 1 ? '' : 's'} (crowded columns): click a group, or Enter on it, to show its lots.` : '';
    summary.textContent = `${lots} lot${lots === 1 ? '' : 's'} drawn${hidden > 0 ? `, ${hidden} more in hidden levels` : ''}; ${backward.receipts.length} receipt(s), ${forward.shipments.length} shipment(s).${backward.truncated || forward.truncated ? ' The trace was cut at its depth limit.' : ''}`;
    showAll.hidden = hidden === 0;
    showAll.textContent = `+${hidden} more: show all levels`;
    groupsButton.hidden = grouping ? groups.length === 0 : false;
    groupsButton.textContent = grouping ? 'Expand all groups' : 'Group crowded columns';
    // The first drawing is centred on the lot itself; an opened group on its first lot.
    const root = laid.nodes.find((n) => (focusId ? n.id === focusId : n.root)) ?? laid.nodes.find((n) => n.root);
    if (focusId) requestAnimationFrame(() => svg?.querySelector<SVGGElement>(`g.node[data-id="${CSS.escape(focusId)}"]`)?.focus({ preventScroll: true }));
    if (root) requestAnimationFrame(() => viewport.scrollTo({ left: root.x * zoom - viewport.clientWidth / 2, top: root.y * zoom - viewport.clientHeight / 2 }));
  };
  back.addEventListener('change', () => draw());
  fwd.addEventListener('change', () => draw());
  groupsButton.addEventListener('click', () => {
    grouping = !grouping;
    expanded.clear();
    draw();
  });
  showAll.addEventListener('click', () => {
    back.value = 'all';
    fwd.value = 'all';
    draw();
  });
  const zoomBy = (k: number) => () => {
    zoom = Math.min(3, Math.max(0.2, zoom * k));
    applyZoom();
  };
  const fit = () => {
    if (!svg) return;
    zoom = Math.min(1, viewport.clientWidth / svg.viewBox.baseVal.width, viewport.clientHeight / svg.viewBox.baseVal.height);
    applyZoom();
  };
  const file = `genealogy-${title.replace(/[^\w.-]+/g, '_')}`;
  mount(
    section,
    h('h2', { id: 'graph-title' }, 'Genealogy'),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'levels-back' }, 'Levels back '),
      back,
      h('label', { for: 'levels-forward' }, 'Levels forward '),
      fwd,
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', onClick: zoomBy(1 / 1.25), 'aria-label': 'Zoom out' }, '−'),
      h('button', { type: 'button', onClick: zoomBy(1.25), 'aria-label': 'Zoom in' }, '+'),
      h('button', { type: 'button', onClick: fit }, 'Fit'),
      h('button', { type: 'button', onClick: () => svg && download(`${file}.svg`, new Blob([svgText(svg)], { type: 'image/svg+xml' })) }, 'SVG'),
      h('button', { type: 'button', onClick: () => svg && void pngBlob(svg).then((b) => download(`${file}.png`, b)) }, 'PNG'),
    ),
    summary,
    showAll,
    groupNote,
    groupsButton,
    h('p', { class: 'legend' }, h('span', { class: 'key key-supplier' }, 'supplier'), h('span', { class: 'key key-root' }, 'this lot'), h('span', { class: 'key key-held' }, 'on hold'), h('span', { class: 'key key-recalled' }, 'recalled'), h('span', { class: 'key key-customer' }, 'customer'), ' Click a lot to open it.'),
    viewport,
  );
  draw();
  void colourStatuses(full.nodes.filter((n) => n.kind === 'lot' && !n.root && n.ref).map((n) => n.id), status, (id, st) => {
    if (!svg) return;
    const group = groupOfLot.get(id);
    if (group) paintGroup(svg, group, status);
    else paintStatus(svg, id, st);
  });
}

/** Refs per POST /lots/status request: the route takes at most 1000. */
const STATUS_BATCH = 500;

/**
 * Fetches the status of every drawn lot with the batch route (one request per 500 lots) and paints
 * them, so held and recalled lots stand out.
 */
async function colourStatuses(ids: readonly string[], status: Map<string, string>, paint: (id: string, status: string) => void): Promise<void> {
  for (let i = 0; i < ids.length; i += STATUS_BATCH) {
    try {
      const { statuses } = await api<{ statuses: { ref: string; status: string }[] }>('/lots/status', { method: 'POST', body: { refs: ids.slice(i, i + STATUS_BATCH) } });
      for (const st of statuses) {
        if (st.status === 'unknown' || st.status === 'unit') continue;
        status.set(st.ref, st.status);
        paint(st.ref, st.status);
      }
    } catch {
      /* lots whose state cannot be read are drawn without colour */
    }
  }
}

async function timeline(section: HTMLElement, ref: string): Promise<void> {
  try {
    const { events } = await api<{ events: EventRow[] }>(`/lots/${encodeURIComponent(ref)}/events?limit=500&epcis=true`);
    const list = h(
      'ol',
      { class: 'timeline' },
      [...events]
        .sort((a, b) => a.eventTime.localeCompare(b.eventTime))
        .map((e) =>
          h(
            'li',
            { class: e.voidSeq !== null ? 'voided' : '', 'data-event-id': e.eventId },
            h('time', { datetime: e.eventTime }, when(e.eventTime)),
            h('strong', {}, words(e.bizStep) || e.type),
            e.disposition ? h('span', { class: 'muted' }, ` · ${e.disposition}`) : null,
            ROLE_WORDS[e.role] ? h('span', {}, ` · ${ROLE_WORDS[e.role]}`) : null,
            e.bizLocation || e.readPoint ? h('span', {}, ` · ${placeName(e.bizLocation ?? e.readPoint)}`) : null,
            e.source ? h('span', {}, ` · from ${placeName(e.source)}`) : null,
            e.destination ? h('span', {}, ` · to ${placeName(e.destination)}`) : null,
            e.recordedBy ? h('span', { class: 'muted' }, ` · recorded by ${e.recordedBy}`) : null,
            e.voidSeq !== null ? h('span', { class: 'badge status-recalled' }, 'declared in error') : null,
            // operator, equipment, parameters, inspection result, orders: the event's process data
            detailsList(eventDetails(e.epcis)),
          ),
        ),
    );
    mount(section, h('h2', { id: 'events-title' }, `Events (${events.length})`), list);
  } catch (e) {
    mount(section, h('h2', { id: 'events-title' }, 'Events'), h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
  }
}
