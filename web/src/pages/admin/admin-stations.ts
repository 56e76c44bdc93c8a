/**
 * /admin/stations: every scan station; add one, or change one's site, line, role and defaults
 * (its sequence in progress stays). Uses /api/v1/stations; the scan page lists what is here.
 */
import { api } from '../../api.js';
import { h, mount } from '../../dom.js';
import { when } from '../../names.js';
import type { Field } from './admin-form.js';
import { adminMain, adminTable, field, FormErrors, input, select, submitting } from './admin-form.js';

const STATION_ROLES = ['receiving', 'production', 'packing', 'shipping'] as const;

interface Defaults {
  readonly quantity?: number;
  readonly uom?: string;
  readonly outputItem?: string;
  readonly items?: readonly string[];
  readonly supplier?: string;
  readonly customer?: string;
}

interface Station {
  readonly id: string;
  readonly site: string;
  readonly line: string | null;
  readonly role: string;
  readonly defaults: Defaults;
  readonly createdAt: string;
  readonly createdBy: string;
}

function defaultsText(d: Defaults): string {
  const parts: string[] = [];
  if (d.quantity !== undefined) parts.push(`${d.quantity} ${d.uom ?? ''}`.trim() + ' per scan');
  if (d.outputItem) parts.push(`makes ${d.outputItem}`);
  if (d.items?.length) parts.push(`accepts ${d.items.join(', ')}`);
  if (d.supplier) parts.push(`supplier ${d.supplier}`);
  if (d.customer) parts.push(`customer ${d.customer}`);
  return parts.join('; ');
}

/** The station form, for a new station (`old` undefined) or to change one. */
function stationForm(old: Station | undefined, done: (s: Station) => Promise<void>, cancel: () => void): HTMLFormElement {
  const p = old ? 'station-edit' : 'station';
  const d = old?.defaults ?? {};
  const fields: Record<string, Field> = {
    id: field(`${p}-id`, 'Station id', input({ value: old?.id ?? '', readonly: old !== undefined, autocomplete: 'off' }), old ? 'The id cannot change: scanners and MQTT topics name it.' : 'As scanners and MQTT topics name it: MIX-1, RCV-DOCK-2.'),
    site: field(`${p}-site`, 'Site', input({ value: old?.site ?? '', autocomplete: 'off' }), 'The plant: a GLN, a URI or a name; written as the location of the events.'),
    line: field(`${p}-line`, 'Line (optional)', input({ value: old?.line ?? '', autocomplete: 'off' })),
    role: field(`${p}-role`, 'Role', select(STATION_ROLES, old?.role ?? 'production')),
    'defaults.quantity': field(`${p}-quantity`, 'Default quantity (optional)', input({ type: 'number', step: 'any', min: '0', value: d.quantity ?? '' }), 'For labels that carry no quantity.'),
    'defaults.uom': field(`${p}-uom`, 'Unit of the default quantity', input({ value: d.uom ?? '', autocomplete: 'off', placeholder: 'KGM, EA, LTR' })),
    'defaults.outputItem': field(`${p}-output`, 'Output item (production)', input({ value: d.outputItem ?? '', autocomplete: 'off' }), 'The GTIN or plant code this station makes; scanning it closes the sequence.'),
    'defaults.items': field(`${p}-items`, 'Accepted items (optional)', input({ value: d.items?.join(', ') ?? '', autocomplete: 'off' }), 'Separated by commas; any other item is refused as the wrong item.'),
    'defaults.supplier': field(`${p}-supplier`, 'Supplier (receiving)', input({ value: d.supplier ?? '', autocomplete: 'off' })),
    'defaults.customer': field(`${p}-customer`, 'Customer (shipping)', input({ value: d.customer ?? '', autocomplete: 'off' })),
  };
  const errors = new FormErrors(fields);
  const save = h('button', { type: 'submit', class: 'primary' }, old ? 'Save the station' : 'Add the station');
  const form = h(
    'form',
    { class: 'card admin-form', 'aria-labelledby': `${p}-title`, novalidate: true },
    h('h2', { id: `${p}-title` }, old ? `Change station ${old.id}` : 'Add a station'),
    h('div', { class: 'field-grid' }, Object.values(fields).map((f) => f.el)),
    errors.general,
    h('div', { class: 'form-buttons' }, save, old ? h('button', { type: 'button', onClick: cancel }, 'Cancel') : null),
  );
  const text = (name: string): string => fields[name]!.control.value.trim();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submitting(save, errors, async () => {
      const defaults: Record<string, unknown> = {};
      if (text('defaults.quantity') !== '') defaults['quantity'] = Number(text('defaults.quantity'));
      for (const k of ['uom', 'outputItem', 'supplier', 'customer']) if (text(`defaults.${k}`) !== '') defaults[k] = text(`defaults.${k}`);
      const items = text('defaults.items').split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (items.length > 0) defaults['items'] = items;
      const body = { site: fields['site']!.control.value, role: text('role'), defaults, ...(text('line') !== '' ? { line: text('line') } : {}) };
      const saved = old
        ? await api<Station>(`/stations/${encodeURIComponent(old.id)}`, { method: 'PUT', body })
        : await api<Station>('/stations', { method: 'POST', body: { id: text('id'), ...body } });
      await done(saved);
    });
  });
  return form;
}

export async function stationsPage(): Promise<HTMLElement> {
  const list = h('div');
  const editor = h('div');
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const say = (text: string): void => {
    status.textContent = text;
    status.hidden = false;
  };
  const reload = async (): Promise<void> => {
    const { stations } = await api<{ stations: Station[] }>('/stations');
    mount(
      list,
      stations.length === 0
        ? h('p', {}, 'No scan station yet: add the first one below.')
        : adminTable(
            `${stations.length} station${stations.length === 1 ? '' : 's'}`,
            ['Id', 'Site', 'Line', 'Role', 'Defaults', 'Added'],
            stations.map((s) =>
              h(
                'tr',
                { 'data-station': s.id },
                h('th', { scope: 'row' }, s.id),
                h('td', {}, s.site),
                h('td', {}, s.line ?? ''),
                h('td', {}, s.role),
                h('td', {}, defaultsText(s.defaults)),
                h('td', {}, `${when(s.createdAt)} by ${s.createdBy}`),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      onClick: () => {
                        mount(editor, stationForm(s, async (saved) => (mount(editor), say(`Saved station ${saved.id}.`), await reload()), () => mount(editor)));
                        (editor.querySelector('input:not([readonly])') as HTMLElement | null)?.focus();
                      },
                    },
                    'Change…',
                    h('span', { class: 'visually-hidden' }, ` ${s.id}`),
                  ),
                ),
              ),
            ),
            true,
          ),
    );
  };
  const addForm = stationForm(undefined, async (saved) => (addForm.reset(), say(`Added station ${saved.id}.`), await reload()), () => undefined);
  await reload();
  return adminMain('Scan stations', h('p', { class: 'muted' }, 'The stations the scan page offers (docs/integrations/scanners.md). A change keeps the station’s scan sequence in progress.'), status, list, editor, addForm);
}
