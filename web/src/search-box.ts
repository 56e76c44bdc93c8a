/**
 * The search box: results as you type (lot code, supplier lot code, item, GTIN, SSCC, order
 * number, customer or supplier), listed under a heading per kind, order or party; and a
 * scanned barcode goes straight to its lot. A keyboard-wedge scanner types the barcode and presses
 * Enter; a GS1 barcode is recognised even before Enter, by its shape, on the server.
 */
import type { SearchResult } from './api.js';
import { api, ApiError } from './api.js';
import { h, mount } from './dom.js';
import { lotPath } from './names.js';
import { navigate } from './router.js';

let boxes = 0;

export function searchBox(options: { big?: boolean; initial?: string } = {}): HTMLElement {
  const n = ++boxes;
  const listId = `search-results-${n}`;
  const statusId = `search-status-${n}`;
  const input = h('input', {
    type: 'search',
    id: `search-${n}`,
    class: 'search-input',
    placeholder: 'Lot code, supplier lot, GTIN, SSCC, order, customer, or scan a barcode',
    autocomplete: 'off',
    spellcheck: 'false',
    role: 'combobox',
    'aria-expanded': 'false',
    'aria-controls': listId,
    'aria-autocomplete': 'list',
    'aria-describedby': statusId,
    value: options.initial ?? '',
    ...(options.big ? { autofocus: true } : {}),
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'search-results', hidden: true, 'aria-label': 'Search results' });
  const status = h('p', { id: statusId, class: 'search-status', 'aria-live': 'polite' });
  let results: SearchResult['results'] = [];
  let active = -1;
  let pending: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: { q: string; answer: SearchResult } | undefined;

  const show = (answer: SearchResult) => {
    results = answer.results;
    active = -1;
    // One heading per group (Lots, Sales order SO-…, Customer …), in the order the server ranked them.
    const groups = new Map<string, HTMLElement[]>();
    results.forEach((r, i) => {
      const key = r.group ?? 'Results';
      const option = h(
        'li',
        // The option itself is what a pointer chooses: a link inside it would nest two controls.
        { role: 'option', id: `${listId}-${i}`, 'aria-selected': 'false', onClick: () => navigate(lotPath(r.ref)) },
        h('span', { class: 'opt' }, h('span', { class: 'kind' }, r.kind), ' ', r.label, r.via ? h('span', { class: 'via' }, ` ${r.via}`) : null),
      );
      groups.set(key, [...(groups.get(key) ?? []), option]);
    });
    let g = 0;
    mount(
      list,
      [...groups].map(([name, options]) => {
        const headId = `${listId}-g${++g}`;
        return h('li', { role: 'presentation', class: 'search-group' }, h('div', { id: headId, class: 'search-group-name' }, name), h('ul', { role: 'group', 'aria-labelledby': headId }, ...options));
      }),
    );
    list.hidden = results.length === 0;
    input.setAttribute('aria-expanded', String(results.length > 0));
    status.textContent = results.length === 0 ? (answer.barcode ? `Nothing is recorded under ${answer.barcode}.` : 'No lot, unit, supplier lot, order or customer matches.') : `${results.length} match${results.length === 1 ? '' : 'es'}`;
    status.classList.toggle('bad', results.length === 0);
  };
  const highlight = (i: number) => {
    active = i;
    list.querySelectorAll('[role=option]').forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `${listId}-${i}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const search = async (q: string, enter: boolean): Promise<void> => {
    pending?.abort();
    if (q.trim() === '') {
      show({ direct: null, barcode: null, results: [] });
      status.textContent = '';
      return;
    }
    const ctl = new AbortController();
    pending = ctl;
    try {
      const answer = last?.q === q ? last.answer : await api<SearchResult>(`/search?q=${encodeURIComponent(q)}`, { signal: ctl.signal });
      last = { q, answer };
      if (ctl.signal.aborted) return;
      // A scanned GS1 barcode names one object: open it. A typed code opens on Enter.
      if (answer.direct && (answer.barcode !== null || enter)) {
        input.value = '';
        list.hidden = true;
        navigate(lotPath(answer.direct));
        return;
      }
      if (enter && answer.results.length === 1) {
        navigate(lotPath(answer.results[0]!.ref));
        return;
      }
      show(answer);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      list.hidden = true;
      status.textContent = e instanceof ApiError ? e.message : `Search failed: ${String(e)}`;
      status.classList.add('bad');
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value;
    timer = setTimeout(() => void search(q, false), 120);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && results.length > 0) {
      ev.preventDefault();
      highlight(Math.min(active + 1, results.length - 1));
    } else if (ev.key === 'ArrowUp' && results.length > 0) {
      ev.preventDefault();
      highlight(Math.max(active - 1, -1));
    } else if (ev.key === 'Escape') {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      clearTimeout(timer);
      const chosen = results[active];
      if (active >= 0 && chosen) navigate(lotPath(chosen.ref));
      else void search(input.value, true);
    }
  });
  return h(
    'div',
    { class: `search${options.big ? ' search-big' : ''}`, role: 'search' },
    h('label', { for: input.id, class: options.big ? 'search-label' : 'visually-hidden' }, 'Find a lot'),
    input,
    status,
    list,
  );
}
