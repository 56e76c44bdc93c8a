/** A small bakery for the quality tests: clean, with its quality configuration; each test adds one kind of gap. */
import { NativeCommand } from '../../src/capture/native/native-command.js';
import { nativeToEpcis } from '../../src/capture/native/native-to-epcis.js';

export const BISCUIT = '04012345000016';
export const NOW = Date.parse('2026-03-10T00:00:00Z');
export const t = (hhmm: string, day = '01'): string => `2026-03-${day}T${hhmm}:00+01:00`;

/** A clean bakery: flour and sugar in, dough mixed and baked, biscuits packed and shipped. */
export const CLEAN: Record<string, unknown>[] = [
  { cmd: 'receive', time: t('06:00'), lots: [{ item: 'FLOUR', lot: 'F1', quantity: 1000, uom: 'KGM' }], from: 'Mill A', location: 'Plant 1 / Dock' },
  { cmd: 'receive', time: t('06:10'), lots: [{ item: 'SUGAR', lot: 'S1', quantity: 500, uom: 'KGM' }], from: 'Sugar Co', location: 'Plant 1 / Dock' },
  {
    cmd: 'produce', time: t('07:00'), inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 300, uom: 'KGM' }, { item: 'SUGAR', lot: 'S1', quantity: 100, uom: 'KGM' }],
    outputs: [{ item: 'DOUGH', lot: 'D1', quantity: 400, uom: 'KGM' }], location: 'Plant 1 / Mixing', line: 'Line 1', step: 'mix',
  },
  { cmd: 'move', time: t('08:00'), lots: [{ item: 'DOUGH', lot: 'D1' }], to: 'Plant 1 / Oven', step: 'bake' },
  {
    cmd: 'produce', time: t('09:00'), inputs: [{ item: 'DOUGH', lot: 'D1', quantity: 400, uom: 'KGM' }],
    outputs: [{ gtin: BISCUIT, lot: '20260301-B1', quantity: 4000, uom: 'EA' }], location: 'Plant 1 / Packing', line: 'Line 2',
  },
  { cmd: 'pack', time: t('10:00'), sscc: '006141410000000012', contents: [{ gtin: BISCUIT, lot: '20260301-B1', quantity: 2000, uom: 'EA' }], location: 'Plant 1 / Palletiser' },
  { cmd: 'ship', time: t('11:00'), units: [{ sscc: '006141410000000012' }], to: 'Customer X', location: 'Plant 1 / Dispatch' },
  { cmd: 'ship', time: t('11:30'), lots: [{ gtin: BISCUIT, lot: '20260301-B1', quantity: 1000, uom: 'EA' }], to: 'Customer Y', location: 'Plant 1 / Dispatch' },
];

/** The bakery's configuration: a routing for dough, a lot-code format for biscuits, a dough yield. */
export const CONFIG_JSON = {
  eventTime: { futureMinutes: 10, pastDays: 36500 },
  routings: [{ item: 'DOUGH', steps: [{ name: 'mix', withinHours: 1 }, { name: 'bake', withinHours: 4 }] }],
  lotFormats: [{ item: BISCUIT, pattern: "YYYYMMDD-'B'SEQ" }],
  yield: [{ item: 'DOUGH', min: 0.9, max: 1.1 }],
  forbidDuplicateLotCodes: true,
};
/** An EPCIS error declaration of a native command given with an `id`. */
export function declaration(cmd: Record<string, unknown>, at: string): Record<string, unknown> {
  const ev = nativeToEpcis(NativeCommand.parse(cmd), []) as Record<string, unknown>;
  return { cmd: 'event', event: { ...ev, errorDeclaration: { declarationTime: at, reason: 'incorrect_data' } } };
}

