/**
 * The live dashboard: events as the server stores them (Server-Sent Events from /api/v1/stream,
 * reconnecting by itself), the unfinished exceptions by severity, the lots on hold now, and
 * today's genealogy completeness. The stream also says when exceptions open, so the counts and
 * holds are read again then, and after any hold or release event.
 */
import { api, ApiError, API } from '../api.js';
import type { Child } from '../dom.js';
import { h, mount } from '../dom.js';
import { eventDetails } from '../event-details.js';
import { lotPath, percent, placeName, refLabel, refUri, when } from '../names.js';

/** How many events the live list keeps. */
export const LIVE_EVENTS = 25;

interface StreamObject {
  readonly item: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly kind: string;
  readonly role: string;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly scheme?: string;
  readonly id?: string;
}

interface StreamEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly bizStep: string | null;
  readonly eventTime: string;
  readonly bizLocation: string | null;
  readonly readPoint: string | null;
  readonly source: string | null;
  readonly destination: string | null;
  readonly recordedBy: string | null;
  readonly objects: readonly StreamObject[];
  readonly epcis?: Readonly<Record<string, unknown>>;
}

interface HeldLot {
  readonly ref: string;
  readonly label: string;
  readonly since: string;
  readonly reason: string | null;
  readonly onHand: { quantity: number; uom: string } | null;
  readonly location: string | null;
}

interface Figure {
  readonly lots: number;
  readonly chainShare: number | null;
  readonly scanShare: number | null;
}

const SEVERITIES = ['critical', 'warning', 'info'] as const;
const words = (v: string | null): string => (v ?? '').replace(/^.*[-:]/, '').replace(/_/g, ' ');

/** A unit (pallet, case) as the stream sends it: `SSCC …` or its plant id. */
function objectLink(o: StreamObject): Child {
  if (o.kind === 'unit' && o.id !== undefined) {
    const ref = o.scheme === 'sscc' ? `urn:lotline:unit:sscc:${o.id}` : `urn:lotline:unit:${encodeURIComponent(o.id)}`;
    return h('a', { href: lotPath(ref), 'data-link': true }, o.scheme === 'sscc' ? `SSCC ${o.id}` : o.id);
  }
  if (o.lot === undefined && o.serial === undefined) return h('span', {}, refLabel(o));
  return h('a', { href: lotPath(refUri(o)), 'data-link': true }, refLabel(o));
}

function eventItem(e: StreamEvent): HTMLElement {
  const d = eventDetails(e.epcis);
  const who = d.operator ?? e.recordedBy;
  const place = e.bizLocation ?? e.readPoint;
  const objects = e.objects.filter((o) => o.role !== 'input').slice(0, 6);
  const more = e.objects.filter((o) => o.role !== 'input').length - objects.length;
  return h(
    'li',
    { class: 'live-event', 'data-event-id': e.eventId },
    h('time', { datetime: e.eventTime }, when(e.eventTime)),
    ' ',
    h('strong', {}, words(e.bizStep) || e.type),
    h('span', { class: 'live-lots' }, objects.map((o, i) => [i > 0 ? ', ' : ' ', objectLink(o)]), more > 0 ? ` and ${more} more` : null),
    place ? h('span', {}, ` · ${placeName(place)}`) : null,
    e.destination && e.bizStep === 'shipping' ? h('span', {}, ` · to ${placeName(e.destination)}`) : null,
    e.source && e.bizStep === 'receiving' ? h('span', {}, ` · from ${placeName(e.source)}`) : null,
    who ? h('span', { class: 'muted' }, ` · ${who}`) : null,
  );
}

/** Today's completeness as two horizontal bars with their figures. */
function completenessFigure(today: Figure | null): HTMLElement {
  const bar = (label: string, share: number | null, note: string) =>
    h(
      'div',
      { class: 'dash-bar' },
      h('span', { class: 'dash-bar-label' }, label),
      h('span', { class: 'dash-bar-track', role: 'img', 'aria-label': `${label}: ${share === null ? 'nothing to count yet' : percent(share)}` }, h('span', { class: `dash-bar-fill ${share === null ? '' : share >= 0.95 ? 'good' : share >= 0.8 ? 'fair' : 'poor'}`, style: `width: ${share === null ? 0 : Math.round(share * 100)}%` })),
      h('strong', {}, share === null ? '—' : percent(share)),
      h('span', { class: 'muted' }, note),
    );
  return h(
    'div',
    { class: 'dash-completeness' },
    bar('Unbroken chain', today?.chainShare ?? null, today ? ` of ${today.lots} lot${today.lots === 1 ? '' : 's'} made or received today` : ''),
    bar('Routing scans on time', today?.scanShare ?? null, ''),
  );
}

export function dashboardPage(): { page: HTMLElement; stop: () => void } {
  document.title = 'Dashboard — Lotline';
  const status = h('p', { class: 'live-status', role: 'status', 'aria-live': 'polite' }, 'Connecting to the live stream…');
  const list = h('ol', { class: 'live-events', 'aria-label': 'Events as they arrive, newest first' });
  const empty = h('p', { class: 'muted live-empty' }, 'Waiting for the next event. Events recorded from now on appear here as they are stored.');
  const exceptions = h('div', { class: 'dash-counts' }, h('p', { class: 'muted' }, 'Loading…'));
  const holds = h('div', { class: 'dash-holds' }, h('p', { class: 'muted' }, 'Loading…'));
  const completeness = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const page = h(
    'main',
    { id: 'main', class: 'page dashboard' },
    h('h1', {}, 'Dashboard'),
    h(
      'div',
      { class: 'dash-grid' },
      h('section', { class: 'dash-live', 'aria-labelledby': 'dash-live-title' }, h('h2', { id: 'dash-live-title' }, 'Events arriving'), status, empty, list),
      h(
        'div',
        { class: 'dash-side' },
        h('section', { 'aria-labelledby': 'dash-ex-title' }, h('h2', { id: 'dash-ex-title' }, 'Open exceptions'), exceptions),
        h('section', { 'aria-labelledby': 'dash-holds-title' }, h('h2', { id: 'dash-holds-title' }, 'Lots on hold now'), holds),
        h('section', { 'aria-labelledby': 'dash-comp-title' }, h('h2', { id: 'dash-comp-title' }, 'Completeness today'), completeness),
      ),
    ),
  );

  const loadExceptions = async (): Promise<void> => {
    try {
      const counts = new Map<string, number>(SEVERITIES.map((s) => [s, 0]));
      for (const state of ['open', 'acknowledged']) {
        const { exceptions: rows } = await api<{ exceptions: { severity: string }[] }>(`/exceptions?state=${state}&limit=10000`);
        for (const r of rows) counts.set(r.severity, (counts.get(r.severity) ?? 0) + 1);
      }
      mount(
        exceptions,
        h(
          'ul',
          { class: 'dash-severities' },
          SEVERITIES.map((s) =>
            h('li', {}, h('a', { href: `/exceptions?severity=${s}`, 'data-link': true, class: `dash-count dash-sev-${s}`, 'data-severity': s }, h('strong', {}, String(counts.get(s) ?? 0)), h('span', {}, ` ${s}`))),
          ),
        ),
      );
    } catch (e) {
      mount(exceptions, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  const loadHolds = async (): Promise<void> => {
    try {
      const { lots, total } = await api<{ lots: HeldLot[]; total: number }>('/holds?limit=20');
      mount(
        holds,
        lots.length === 0
          ? h('p', { class: 'muted' }, 'No lot is on hold.')
          : [
              h('p', { class: 'muted' }, `${total} lot${total === 1 ? '' : 's'} on hold${total > lots.length ? `, the ${lots.length} most recent shown` : ''}`),
              h(
                'ul',
                { class: 'dash-hold-list' },
                lots.map((l) =>
                  h(
                    'li',
                    {},
                    h('a', { href: lotPath(l.ref), 'data-link': true }, l.label),
                    h('span', { class: 'muted' }, ` since ${when(l.since)}`),
                    l.reason ? h('span', {}, ` · ${l.reason}`) : null,
                    l.onHand ? h('span', { class: 'muted' }, ` · ${l.onHand.quantity} ${l.onHand.uom}${l.location ? ` in ${placeName(l.location)}` : ''}`) : null,
                  ),
                ),
              ),
            ],
      );
    } catch (e) {
      mount(holds, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  const loadCompleteness = async (): Promise<void> => {
    try {
      const midnight = new Date();
      midnight.setHours(0, 0, 0, 0);
      const from = new Date(midnight.getTime() - midnight.getTimezoneOffset() * 60_000).toISOString().replace(/\.\d+Z$/, '') + offset(midnight);
      const { total } = await api<{ total: Figure }>(`/quality/completeness?from=${encodeURIComponent(from)}&period=day`);
      mount(completeness, completenessFigure(total));
    } catch (e) {
      mount(completeness, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  void loadExceptions();
  void loadHolds();
  void loadCompleteness();

  // The browser's EventSource reconnects by itself (the server asks for 2 s) and resumes with Last-Event-ID.
  let source: EventSource | undefined;
  let refresh: ReturnType<typeof setTimeout> | undefined;
  const soon = (fn: () => Promise<void>) => {
    clearTimeout(refresh);
    refresh = setTimeout(() => void fn(), 300);
  };
  const connect = () => {
    source = new EventSource(`${API}/stream`, { withCredentials: true });
    source.addEventListener('open', () => {
      status.textContent = 'Live: connected.';
      status.classList.remove('bad');
    });
    source.addEventListener('error', () => {
      status.textContent = source?.readyState === EventSource.CLOSED ? 'Disconnected from the live stream. Reload the page to try again.' : 'Disconnected from the live stream: reconnecting…';
      status.classList.add('bad');
    });
    source.addEventListener('event', (msg) => {
      const e = JSON.parse((msg as MessageEvent<string>).data) as StreamEvent;
      empty.hidden = true;
      list.prepend(eventItem(e));
      while (list.children.length > LIVE_EVENTS) list.lastElementChild?.remove();
      if (e.bizStep === 'holding' || e.bizStep === 'inspecting' || e.bizStep === 'shipping' || e.bizStep === 'destroying') soon(loadHolds);
    });
    source.addEventListener('alert', () => soon(async () => Promise.all([loadExceptions(), loadHolds()]).then(() => undefined)));
  };
  connect();
  return {
    page,
    stop: () => {
      source?.close();
      clearTimeout(refresh);
    },
  };
}

/** The browser's UTC offset at a moment, as +HH:MM. */
function offset(d: Date): string {
  const m = -d.getTimezoneOffset();
  const a = Math.abs(m);
  return `${m >= 0 ? '+' : '-'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
