import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/helpers/expect-error.js';
import { readBarcode } from './read-barcode.js';
import type { ScanFacts, StationState } from './scan-machine.js';
import { INITIAL_STATE, RECENT_MESSAGES, scanStep } from './scan-machine.js';
import type { StationRecord } from './station-store.js';

const station = (role: StationRecord['role'], defaults: StationRecord['defaults'] = {}): StationRecord => ({ id: 'S1', site: 'Plant 1', line: 'L2', role, defaults, createdAt: '', createdBy: '' });
let n = 0;
const facts = (extra: Partial<ScanFacts> = {}): ScanFacts => ({ status: 'released', now: '2026-05-04T10:00:00.000Z', newEventId: `urn:uuid:00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, ...extra });

function run(s: StationRecord, scans: readonly (string | [string, Partial<ScanFacts>])[], start: StationState = INITIAL_STATE) {
  let state = start;
  const replies = [];
  for (const sc of scans) {
    const [text, f] = typeof sc === 'string' ? [sc, {}] : sc;
    const out = scanStep(s, state, { kind: 'barcode', reading: readBarcode(text) }, facts(f));
    state = out.state;
    replies.push(out.reply);
  }
  return { state, replies };
}

describe('scan state machine', () => {
  it('receiving with a default supplier completes on a label with a PO; the command is a native receive', () => {
    const { state, replies } = run(station('receiving', { supplier: 'Mill' }), ['(01)09501101020917(10)F-1(400)PO-1']);
    expect(replies[0]).toMatchObject({ status: 'completed' });
    expect(state.pending?.command).toEqual({
      cmd: 'receive', time: '2026-05-04T10:00:00.000Z', id: state.pending!.id, location: 'Plant 1', line: 'L2', equipment: 'station:S1',
      lots: [{ ref: 'https://id.gs1.org/01/09501101020917/10/F-1' }], from: 'Mill', po: 'PO-1',
    });
    expect(state.completed).toBe(1);
    expect(state.items).toEqual([]);
  });

  it('shipping with a default customer ships lots and units apart, with the order', () => {
    const { state } = run(station('shipping', { customer: 'Shop' }), ['(00)106141412345678908', ['(01)09520123456788(10)B-1(37)4', {}], 'SO-9']);
    expect(state.pending?.command).toMatchObject({ cmd: 'ship', to: 'Shop', order: 'SO-9', units: [{ ref: 'https://id.gs1.org/00/106141412345678908' }], lots: [{ ref: 'https://id.gs1.org/01/09520123456788/10/B-1', quantity: 4, uom: 'EA' }] });
  });

  it('packing closes on a plain container id; production uses the default quantity', () => {
    const packed = run(station('packing'), ['urn:lotline:lot:FLOUR:F-1', 'CAGE-12']);
    expect(packed.state.pending?.command).toMatchObject({ cmd: 'pack', unit: 'CAGE-12', contents: [{ ref: 'urn:lotline:lot:FLOUR:F-1' }] });
    const made = run(station('production', { outputItem: 'DOUGH', quantity: 5, uom: 'KGM' }), ['urn:lotline:lot:FLOUR:F-1', 'D-7']);
    expect(made.state.pending?.command).toMatchObject({ cmd: 'produce', inputs: [{ ref: 'urn:lotline:lot:FLOUR:F-1', quantity: 5, uom: 'KGM' }], outputs: [{ ref: 'urn:lotline:lot:DOUGH:D-7', quantity: 5, uom: 'KGM' }] });
  });

  it('a repeated message id answers duplicate and changes nothing; only the last ids are kept', () => {
    const s = station('production', { outputItem: 'DOUGH' });
    const first = run(s, [['urn:lotline:lot:FLOUR:F-1', { messageId: 'm1' }]]);
    const again = scanStep(s, first.state, { kind: 'barcode', reading: readBarcode('urn:lotline:lot:FLOUR:F-1') }, facts({ messageId: 'm1' }));
    expect(again.reply).toMatchObject({ status: 'duplicate', understood: 'Input FLOUR / F-1' });
    expect(again.state).toBe(first.state);
    const many = run(s, Array.from({ length: RECENT_MESSAGES + 5 }, (_, i) => ['CANCEL', { messageId: `c${i}` }] as [string, Partial<ScanFacts>]), first.state);
    expect(many.state.recent).toHaveLength(RECENT_MESSAGES);
    expect(many.state.recent.at(-1)).toBe(`c${RECENT_MESSAGES + 4}`);
  });

  it('refusals leave the state as it was', () => {
    const s = station('production', { outputItem: 'DOUGH' });
    const { state } = run(s, ['urn:lotline:lot:FLOUR:F-1']);
    expectError(() => scanStep(s, state, { kind: 'barcode', reading: readBarcode('urn:lotline:lot:FLOUR:F-2') }, facts({ status: 'on_hold' })), 'SCAN_REFUSED', 'FLOUR / F-2', 'on hold');
    expectError(() => scanStep(s, state, { kind: 'barcode', reading: readBarcode('(01)09520123456788') }, facts()), 'SCAN_REFUSED', 'names no lot');
    expect(state.items).toHaveLength(1);
  });
});
