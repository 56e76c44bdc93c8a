/** The trace as tables: lots each way with their shares, shipments, receipts. */
import type { TraceResult } from './api.js';
import { h } from './dom.js';
import { lotPath, percent, placeName, quantity, refLabel, refUri, when } from './names.js';


const lotLink = (r: { item: string; lot?: string; serial?: string }) => h('a', { href: lotPath(refUri(r)), 'data-link': true }, refLabel(r));

export function traceTables(backward: TraceResult | undefined, forward: TraceResult | undefined): HTMLElement {
  const lots = (trace: TraceResult | undefined, caption: string, shareWord: string) => {
    const list = (trace?.lots ?? []).filter((l) => l.depth > 0).sort((a, b) => a.depth - b.depth || refLabel(a).localeCompare(refLabel(b)));
    return h(
      'table',
      { class: 'data' },
      h('caption', {}, `${caption} (${list.length})`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Steps away'), h('th', { scope: 'col' }, 'Lot'), h('th', { scope: 'col', class: 'num' }, shareWord))),
      h('tbody', {}, list.length === 0 ? h('tr', {}, h('td', { colspan: 3 }, 'none')) : list.map((l) => h('tr', {}, h('td', { class: 'num' }, l.depth), h('td', {}, lotLink(l)), h('td', { class: 'num' }, percent(l.share))))),
    );
  };
  const ships = forward?.shipments ?? [];
  const recs = backward?.receipts ?? [];
  return h(
    'div',
    {},
    h('div', { class: 'tables' }, lots(backward, 'Made from', 'Share of this lot'), lots(forward, 'Went into', 'Share from this lot')),
    h(
      'table',
      { class: 'data' },
      h('caption', {}, `Shipments (${ships.length})`),
      h('thead', {}, h('tr', {}, ['Time', 'Lot', 'Quantity', 'To', 'Unit'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ships.length === 0 ? h('tr', {}, h('td', { colspan: 5 }, 'none')) : ships.map((sh) => h('tr', {}, h('td', {}, when(sh.time)), h('td', {}, lotLink(sh)), h('td', { class: 'num' }, quantity(sh.quantity, sh.uom)), h('td', {}, placeName(sh.destination)), h('td', {}, sh.via ? h('a', { href: lotPath(`(00)${sh.via}`), 'data-link': true }, sh.via) : '')))),
    ),
    h(
      'table',
      { class: 'data' },
      h('caption', {}, `Receipts (${recs.length})`),
      h('thead', {}, h('tr', {}, ['Time', 'Lot', 'Quantity', 'From'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, recs.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'none')) : recs.map((r) => h('tr', {}, h('td', {}, when(r.time)), h('td', {}, lotLink(r)), h('td', { class: 'num' }, quantity(r.quantity, r.uom)), h('td', {}, placeName(r.source))))),
    ),
  );
}

