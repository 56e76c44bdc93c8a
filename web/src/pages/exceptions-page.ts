/**
 * The exceptions inbox: unfinished exceptions by severity, rule, line and age; acknowledge,
 * assign, resolve (optionally recording the missing link after the fact), dismiss with a reason;
 * and the genealogy completeness per week as small bar charts.
 */
import type { Principal } from '../api.js';
import { api, ApiError } from '../api.js';
import type { Child } from '../dom.js';
import { h, mount, s } from '../dom.js';
import { lotPath, percent, when } from '../names.js';

interface Exception {
  readonly id: number;
  readonly ruleId: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly subject: { kind: string; ref: string };
  readonly explanation: string;
  readonly line: string | null;
  readonly detectedAt: string;
  readonly state: string;
  readonly owner: string | null;
  readonly dueAt: string | null;
  readonly escalatedAt: string | null;
  readonly resolution: string | null;
}

interface Figure {
  readonly period: string;
  readonly lots: number;
  readonly chainShare: number | null;
  readonly scanShare: number | null;
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/** How long ago, in the largest unit that fits: "3 h", "2 d". */
export function age(iso: string, now = Date.now()): string {
  const min = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.round(min / 60)} h`;
  return `${Math.round(min / 1440)} d`;
}

/** A small bar chart of shares over periods (0–100%), with the figures as text for screen readers. */
function shareChart(title: string, figures: readonly Figure[], pick: (f: Figure) => number | null): HTMLElement {
  const shown = figures.slice(-12);
  const w = 28;
  const height = 80;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${shown.length * w + 4} ${height + 18}`, width: shown.length * w + 4, height: height + 18, role: 'img', 'aria-label': `${title}: ${shown.map((f) => `${f.period} ${percent(pick(f))}`).join(', ')}` },
    shown.map((f, i) => {
      const v = pick(f);
      const bar = v === null ? 0 : Math.round(v * height);
      return s(
        'g',
        {},
        s('title', {}, `${f.period}: ${v === null ? 'no lots' : percent(v)} (${f.lots} lots)`),
        s('rect', { x: i * w + 4, y: height - bar, width: w - 8, height: Math.max(bar, 1), fill: v === null ? '#cfd6df' : v >= 0.95 ? '#1e6b2f' : v >= 0.8 ? '#b07d00' : '#b3261e' }),
        s('text', { x: i * w + w / 2, y: height + 13, 'font-size': 9, 'text-anchor': 'middle', fill: '#4f5b69' }, f.period.replace(/^\d{4}-/, '')),
      );
    }),
  );
  const last = shown[shown.length - 1];
  const latest = last ? pick(last) : null;
  return h('figure', { class: 'chart' }, h('figcaption', {}, title, latest === null ? h('span', { class: 'muted' }, ': none expected lately') : [h('strong', {}, ` ${percent(latest)}`), h('span', { class: 'muted' }, ' latest week')]), svg);
}

export async function exceptionsPage(me: Principal | undefined): Promise<HTMLElement> {
  document.title = 'Exceptions — Lotline';
  const main = h('main', { id: 'main', class: 'page exceptions' }, h('h1', {}, 'Exceptions'));
  const charts = h('section', { class: 'charts', 'aria-label': 'Genealogy completeness per week' });
  const state = h('select', { id: 'ex-state' }, ['open', 'acknowledged', 'resolved', 'dismissed'].map((v) => h('option', { value: v }, v)));
  const severity = h('select', { id: 'ex-severity' }, ['any', 'critical', 'warning', 'info'].map((v) => h('option', { value: v }, v)));
  const rule = h('select', { id: 'ex-rule' }, h('option', { value: '' }, 'any'));
  // the dashboard links here with ?severity=critical (or warning, info)
  const wanted = new URLSearchParams(location.search).get('severity');
  if (wanted !== null && ['critical', 'warning', 'info'].includes(wanted)) severity.value = wanted;
  const list = h('div', { class: 'ex-list', 'aria-live': 'polite' });
  const mayAct = me !== undefined && me.kind === 'user' && (me.role === 'operator' || me.role === 'quality');
  const mayDismiss = me !== undefined && me.kind === 'user' && me.role === 'quality';

  const load = async (): Promise<void> => {
    try {
      const { exceptions } = await api<{ exceptions: Exception[] }>(`/exceptions?state=${state.value}${rule.value ? `&rule=${encodeURIComponent(rule.value)}` : ''}`);
      const rules = [...new Set(exceptions.map((e) => e.ruleId))].sort();
      if (!rule.value) mount(rule, h('option', { value: '' }, 'any'), rules.map((r) => h('option', { value: r }, r)));
      const shown = exceptions.filter((e) => severity.value === 'any' || e.severity === severity.value).sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.detectedAt.localeCompare(b.detectedAt));
      mount(
        list,
        h('p', { class: 'muted' }, `${shown.length} ${state.value} exception${shown.length === 1 ? '' : 's'}`),
        shown.length === 0
          ? null
          : h(
              'table',
              { class: 'data' },
              h('thead', {}, h('tr', {}, ['Severity', 'Rule', 'About', 'What', 'Line', 'Age', 'Owner', ''].map((t) => h('th', { scope: 'col' }, t)))),
              h('tbody', {}, shown.map((e) => row(e))),
            ),
      );
    } catch (e) {
      mount(list, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
  };

  const act = async (path: string, body: unknown, error: HTMLElement): Promise<boolean> => {
    try {
      await api(path, { method: 'POST', body });
      await load();
      return true;
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : String(e);
      error.hidden = false;
      return false;
    }
  };

  const row = (e: Exception): HTMLElement => {
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const subject: Child = /^urn:lotline:(lot|serial|unit):/.test(e.subject.ref) || /^urn:epc:/.test(e.subject.ref) ? h('a', { href: lotPath(e.subject.ref), 'data-link': true }, e.subject.ref.replace(/^urn:lotline:\w+:/, '').split(':').map(decodeURIComponent).join(' / ')) : e.subject.ref;
    const buttons: Child[] = [];
    if (mayAct && e.state === 'open') buttons.push(h('button', { type: 'button', onClick: () => void act(`/exceptions/${e.id}/acknowledge`, {}, error) }, 'Acknowledge'));
    if (mayAct && (e.state === 'open' || e.state === 'acknowledged')) {
      buttons.push(h('button', { type: 'button', onClick: () => formRow(e, 'assign') }, 'Assign…'), h('button', { type: 'button', onClick: () => formRow(e, 'resolve') }, 'Resolve…'));
      if (mayDismiss) buttons.push(h('button', { type: 'button', onClick: () => formRow(e, 'dismiss') }, 'Dismiss…'));
    }
    const tr = h(
      'tr',
      { 'data-exception': e.id },
      h('td', {}, h('span', { class: `badge sev-${e.severity}` }, e.severity)),
      h('td', { class: 'nowrap' }, e.ruleId),
      h('td', {}, subject),
      h('td', {}, e.explanation, e.resolution ? h('div', { class: 'muted' }, `Resolution: ${e.resolution}`) : null, e.escalatedAt ? h('div', { class: 'error' }, `escalated ${when(e.escalatedAt)}`) : null, error),
      h('td', {}, e.line ?? ''),
      h('td', { title: when(e.detectedAt), class: 'nowrap' }, age(e.detectedAt)),
      h('td', {}, e.owner ?? '', e.dueAt ? h('div', { class: 'muted' }, `due ${when(e.dueAt)}`) : null),
      h('td', { class: 'row-actions' }, buttons),
    );
    const formRow = (ex: Exception, kind: 'assign' | 'resolve' | 'dismiss') => {
      if (tr.nextElementSibling?.classList.contains('ex-form')) tr.nextElementSibling.remove();
      const err = h('p', { class: 'error', role: 'alert', hidden: true });
      const field = (id: string, label: string, attrs: Record<string, unknown> = {}) => {
        const input = h('input', { id: `${id}-${ex.id}`, ...attrs });
        return { input, el: h('div', { class: 'field' }, h('label', { for: input.id }, label), input) };
      };
      const f: Record<string, ReturnType<typeof field>> = {};
      let body: () => unknown;
      if (kind === 'assign') {
        f['owner'] = field('owner', 'New owner', { required: true });
        body = () => ({ owner: f['owner']!.input.value });
      } else if (kind === 'dismiss') {
        f['reason'] = field('reason', 'Why it is not a problem', { required: true });
        body = () => ({ reason: f['reason']!.input.value });
      } else {
        f['note'] = field('note', 'How it was resolved', { required: true });
        f['input'] = field('link-input', 'Missing input lot (optional: records the link after the fact)', { placeholder: 'urn:lotline:lot:ITEM:LOT or (01)…(10)…' });
        f['output'] = field('link-output', 'Batch it went into', { placeholder: 'the lot produced' });
        f['time'] = field('link-time', 'When it went in', { placeholder: '2026-05-04T08:00:00+02:00' });
        body = () => {
          const input = f['input']!.input.value.trim();
          return {
            note: f['note']!.input.value,
            ...(input ? { link: { inputs: [{ lot: input }], outputs: f['output']!.input.value.trim() ? [{ lot: f['output']!.input.value.trim() }] : [], time: f['time']!.input.value.trim() } } : {}),
          };
        };
      }
      const form = h(
        'form',
        { class: 'ex-form-body' },
        Object.values(f).map((x) => x.el),
        err,
        h('div', { class: 'dialog-buttons' }, h('button', { type: 'button', onClick: () => formTr.remove() }, 'Cancel'), h('button', { type: 'submit', class: 'primary' }, kind === 'assign' ? 'Assign' : kind === 'dismiss' ? 'Dismiss' : 'Resolve')),
      );
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        void act(`/exceptions/${ex.id}/${kind}`, body(), err);
      });
      const formTr = h('tr', { class: 'ex-form' }, h('td', { colspan: 8 }, form));
      tr.after(formTr);
      Object.values(f)[0]?.input.focus();
    };
    return tr;
  };

  for (const sel of [state, severity, rule]) sel.addEventListener('change', () => void load());
  main.append(
    charts,
    h('div', { class: 'toolbar' }, h('label', { for: 'ex-state' }, 'State '), state, h('label', { for: 'ex-severity' }, 'Severity '), severity, h('label', { for: 'ex-rule' }, 'Rule '), rule),
    list,
  );
  void api<{ periods: Figure[] }>('/quality/completeness?period=week')
    .then((c) => mount(charts, shareChart('Lots with an unbroken chain', c.periods, (f) => f.chainShare), shareChart('Routing scans on time', c.periods, (f) => f.scanShare)))
    .catch(() => mount(charts, h('p', { class: 'muted' }, 'Completeness figures are not available.')));
  await load();
  return main;
}
