/**
 * /admin/quality: the routings, lot-code formats and tolerances in force, read-only, with where
 * they come from (the file given to `serve --quality-config`, or the defaults) and how to change
 * them. Uses GET /api/v1/quality/config.
 */
import { api } from '../../api.js';
import { h } from '../../dom.js';
import { placeName } from '../../names.js';
import { adminMain, adminTable } from './admin-form.js';

interface QualityConfigView {
  readonly source: { readonly kind: 'file' | 'defaults'; readonly file: string | null };
  readonly howToChange: string;
  readonly rules: { readonly enabled: readonly string[]; readonly disabled: readonly string[] };
  readonly scheduleMinutes: number;
  readonly graceMinutes: number;
  readonly eventTime: { readonly futureMinutes: number; readonly pastDays: number };
  readonly massBalance: { readonly tolerance: number; readonly absolute: number };
  readonly yield: readonly { item: string; min: number; max: number }[];
  readonly routings: readonly { item: string; steps: readonly { name: string; bizStep: string | null; location: string | null; withinHours: number }[] }[];
  readonly lotFormats: readonly { item: string; pattern: string; parts: readonly string[]; regex: string }[];
  readonly forbidDuplicateLotCodes: boolean;
}

/** `code` spans for the backquoted parts of the server's instructions. */
function withCode(text: string): (HTMLElement | string)[] {
  return text.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? h('code', {}, part) : part));
}

export async function qualityConfigPage(): Promise<HTMLElement> {
  const c = await api<QualityConfigView>('/quality/config');
  const pct = (x: number): string => `${Math.round(x * 10000) / 100} %`;
  return adminMain(
    'Routings and lot-code formats',
    h(
      'section',
      { class: 'card source', 'aria-labelledby': 'qc-source-title' },
      h('h2', { id: 'qc-source-title' }, 'Where this comes from'),
      c.source.kind === 'file'
        ? h('p', {}, 'The quality configuration file ', h('code', { class: 'qc-file' }, c.source.file), ', read when the server started.')
        : h('p', {}, 'No quality configuration file was given: the defaults apply (no routings, no lot-code formats).'),
      h('p', {}, 'Read-only here. ', ...withCode(c.howToChange)),
      h('p', { class: 'muted' }, 'The fields are described in docs/quality-rules.md (“Configuration”).'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'qc-routings-title' },
      h('h2', { id: 'qc-routings-title' }, 'Routings'),
      c.routings.length === 0
        ? h('p', { class: 'muted' }, 'No routing: no item expects scans at given steps.')
        : adminTable(
            `${c.routings.length} item${c.routings.length === 1 ? '' : 's'} with a routing`,
            ['Item', 'Step', 'Name', 'Also counts', 'Within'],
            c.routings.flatMap((r) => r.steps.map((s, i) => h('tr', {}, i === 0 ? h('th', { scope: 'rowgroup', rowspan: r.steps.length }, r.item) : null, h('td', { class: 'num' }, i + 1), h('td', {}, s.name), h('td', {}, [s.bizStep ? `bizStep ${s.bizStep}` : '', s.location ? `at ${placeName(s.location)}` : ''].filter(Boolean).join(', ')), h('td', {}, `${s.withinHours} h`)))),
          ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'qc-formats-title' },
      h('h2', { id: 'qc-formats-title' }, 'Lot-code formats'),
      c.lotFormats.length === 0
        ? h('p', { class: 'muted' }, 'No lot-code format: lot codes are not checked against a pattern.')
        : adminTable(`${c.lotFormats.length} format${c.lotFormats.length === 1 ? '' : 's'}`, ['Item', 'Pattern', 'Parts', 'Checked as'], c.lotFormats.map((f) => h('tr', {}, h('th', { scope: 'row' }, f.item), h('td', {}, h('code', {}, f.pattern)), h('td', {}, f.parts.join(', ')), h('td', {}, h('code', { class: 'regex' }, f.regex))))),
    ),
    h(
      'section',
      { 'aria-labelledby': 'qc-tolerances-title' },
      h('h2', { id: 'qc-tolerances-title' }, 'Tolerances and rules'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Mass balance'),
        h('dd', {}, `${pct(c.massBalance.tolerance)} of what came in${c.massBalance.absolute ? ` + ${c.massBalance.absolute}` : ''}`),
        h('dt', {}, 'Yield bounds'),
        h('dd', {}, c.yield.length === 0 ? 'none' : c.yield.map((y) => `${y.item}: ${pct(y.min)}–${pct(y.max)}`).join('; ')),
        h('dt', {}, 'Event times'),
        h('dd', {}, `at most ${c.eventTime.futureMinutes} min ahead, ${c.eventTime.pastDays} days back`),
        h('dt', {}, 'Window rules'),
        h('dd', {}, `every ${c.scheduleMinutes} min, judging what is at least ${c.graceMinutes} min old`),
        h('dt', {}, 'One lot code, two items'),
        h('dd', {}, c.forbidDuplicateLotCodes ? 'forbidden' : 'allowed'),
        h('dt', {}, 'Rules running'),
        h('dd', {}, c.rules.enabled.join(', ')),
        h('dt', {}, 'Rules switched off'),
        h('dd', {}, c.rules.disabled.length === 0 ? 'none' : c.rules.disabled.join(', ')),
      ),
    ),
  );
}
