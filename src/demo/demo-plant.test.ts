import { describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../domain/identifiers/gtin.js';
import { generateDemoPlant, type NativeCommand } from './demo-plant.js';

// ---------------------------------------------------------------------------------------------
// An independent checker of the generated plant (does not reuse the generator's helpers).
// ---------------------------------------------------------------------------------------------

interface Ref {
  item?: string;
  gtin?: string;
  lot?: string;
  quantity?: number;
  uom?: string;
}

const COMMON = ['cmd', 'time', 'id', 'location', 'operator', 'equipment', 'line', 'step', 'parameters', 'note'];
const ALLOWED: Record<string, readonly string[]> = {
  receive: ['lots', 'from', 'po', 'supplierLot'],
  produce: ['inputs', 'outputs', 'batch', 'order'],
  pack: ['sscc', 'contents'],
  unpack: ['sscc', 'contents'],
  ship: ['lots', 'units', 'to', 'order', 'carrier'],
  inspect: ['lots', 'result'],
  hold: ['lots', 'reason'],
  release: ['lots', 'reason'],
  move: ['lots', 'to'],
  adjust: ['lot', 'quantity', 'uom', 'reason'],
  destroy: ['lots', 'reason'],
};
const TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})\+01:00$/;
const EPS = 1e-6;

function validGs1(code: string, length: number): boolean {
  if (!new RegExp(`^\\d{${length}}$`).test(code)) return false;
  let sum = 0;
  const body = code.slice(0, -1);
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(code[code.length - 1]);
}

function keyOf(r: Ref): string {
  return `${r.gtin ?? r.item ?? '?'}|${r.lot ?? '?'}`;
}

function refs(v: unknown): Ref[] {
  return Array.isArray(v) ? (v as Ref[]) : [];
}

interface LotState {
  uom: string;
  firstTime: number;
  loose: number;
  held: boolean;
  kind: 'received' | 'produced';
}

interface Stats {
  errors: string[];
  lots: Map<string, LotState>;
  suppliers: Set<string>;
  customers: Set<string>;
  receivedItems: Set<string>;
  producedItems: Set<string>;
  consumedItems: Set<string>;
  shippedItems: Set<string>;
  shippedPallets: Map<string, string>;
  palletContents: Map<string, Set<string>>;
  producedBy: Map<string, { batch: unknown; count: number }[]>;
  consumedBy: Map<string, number>;
  maxInputs: number;
  maxOutputs: number;
  reworkEvents: number;
  palletShipments: number;
  repacks: number;
  inspectionsWithParameters: number;
  failedInspections: number;
  stillHeld: string[];
  receivedQty: Map<string, number>;
  partialRawConsumers: Map<string, number>;
}

/** Replays the commands, tracking lot balances per unit, pallets and holds. */
function check(commands: readonly NativeCommand[]): Stats {
  const s: Stats = {
    errors: [], lots: new Map(), suppliers: new Set(), customers: new Set(), receivedItems: new Set(), producedItems: new Set(),
    consumedItems: new Set(), shippedItems: new Set(), shippedPallets: new Map(), palletContents: new Map(), producedBy: new Map(),
    consumedBy: new Map(), maxInputs: 0, maxOutputs: 0, reworkEvents: 0, palletShipments: 0, repacks: 0,
    inspectionsWithParameters: 0, failedInspections: 0, stillHeld: [], receivedQty: new Map(), partialRawConsumers: new Map(),
  };
  const err = (i: number, msg: string): void => {
    if (s.errors.length < 50) s.errors.push(`#${i} ${commands[i]?.cmd ?? '?'} @${String(commands[i]?.['time'])}: ${msg}`);
  };
  const pallets = new Map<string, Map<string, number>>();
  const unpackedLots = new Set<string>();
  let lastTime = -Infinity;

  const checkRef = (i: number, r: Ref, withQty: boolean): void => {
    const idKeys = ['item', 'gtin', 'lot', 'quantity', 'uom'];
    for (const k of Object.keys(r)) if (!idKeys.includes(k)) err(i, `unexpected lot-ref field ${k}`);
    if ((r.item === undefined) === (r.gtin === undefined)) err(i, `lot ref needs exactly one of item/gtin: ${JSON.stringify(r)}`);
    if (r.gtin !== undefined && !validGs1(r.gtin, 14)) err(i, `invalid GTIN ${r.gtin}`);
    if (typeof r.lot !== 'string' || r.lot.length === 0) err(i, 'lot ref without lot');
    if (withQty) {
      if (typeof r.quantity !== 'number' || !(r.quantity > 0)) err(i, `bad quantity ${JSON.stringify(r)}`);
      if (!['KGM', 'LTR', 'EA'].includes(r.uom ?? '')) err(i, `bad uom ${JSON.stringify(r)}`);
    } else if (r.quantity !== undefined || r.uom !== undefined) err(i, 'quantity not expected here');
  };
  const existing = (i: number, r: Ref, t: number): LotState | undefined => {
    const lot = s.lots.get(keyOf(r));
    if (!lot) err(i, `unknown lot ${keyOf(r)}`);
    else if (!(lot.firstTime < t)) err(i, `lot ${keyOf(r)} used at or before its receipt/production`);
    return lot;
  };
  const take = (i: number, r: Ref, t: number, what: string): void => {
    const lot = existing(i, r, t);
    if (!lot) return;
    if (lot.uom !== r.uom) err(i, `unit ${r.uom} differs from lot unit ${lot.uom} for ${keyOf(r)} (${what})`);
    if (lot.held && what !== 'destroy' && what !== 'pack') err(i, `held lot ${keyOf(r)} used (${what})`);
    lot.loose -= r.quantity ?? 0;
    if (lot.loose < -EPS) err(i, `${what} beyond balance: ${keyOf(r)} at ${lot.loose}`);
  };

  commands.forEach((c, i) => {
    const allowed = ALLOWED[c.cmd];
    if (!allowed) return err(i, 'unknown command');
    for (const k of Object.keys(c)) if (!COMMON.includes(k) && !allowed.includes(k)) err(i, `field ${k} not allowed`);
    const time = c['time'];
    const m = typeof time === 'string' ? TIME.exec(time) : null;
    if (!m) return err(i, `bad time ${String(time)}`);
    const hour = Number(m[2]);
    if (hour < 5 || hour > 22) err(i, `outside working hours: ${String(time)}`);
    const t = Date.parse(time as string);
    if (t < lastTime) err(i, 'time goes backwards');
    lastTime = t;
    const params = c['parameters'];
    if (params !== undefined) {
      for (const v of Object.values(params as Record<string, unknown>)) if (typeof v !== 'number' && typeof v !== 'string') err(i, 'parameter not number/string');
    }

    switch (c.cmd) {
      case 'receive': {
        const lots = refs(c['lots']);
        if (lots.length !== 1) err(i, 'one lot per receipt expected');
        if (typeof c['from'] !== 'string' || typeof c['po'] !== 'string' || typeof c['location'] !== 'string') err(i, 'receipt without from/po/location');
        s.suppliers.add(String(c['from']));
        for (const r of lots) {
          checkRef(i, r, true);
          if (s.lots.has(keyOf(r))) err(i, `lot received twice ${keyOf(r)}`);
          s.lots.set(keyOf(r), { uom: r.uom ?? '', firstTime: t, loose: r.quantity ?? 0, held: false, kind: 'received' });
          s.receivedItems.add(r.gtin ?? r.item ?? '');
          s.receivedQty.set(keyOf(r), r.quantity ?? 0);
        }
        break;
      }
      case 'produce': {
        const inputs = refs(c['inputs']);
        const outputs = refs(c['outputs']);
        if (inputs.length === 0 || outputs.length === 0) err(i, 'produce without inputs or outputs');
        s.maxInputs = Math.max(s.maxInputs, inputs.length);
        s.maxOutputs = Math.max(s.maxOutputs, outputs.length);
        for (const r of inputs) {
          checkRef(i, r, true);
          take(i, r, t, 'consume');
          s.consumedItems.add(r.gtin ?? r.item ?? '');
          s.consumedBy.set(keyOf(r), (s.consumedBy.get(keyOf(r)) ?? 0) + 1);
          const received = s.receivedQty.get(keyOf(r));
          if (received !== undefined && (r.quantity ?? 0) < received) s.partialRawConsumers.set(keyOf(r), (s.partialRawConsumers.get(keyOf(r)) ?? 0) + 1);
          const lot = s.lots.get(keyOf(r));
          if (lot?.kind === 'produced' && r.uom === 'EA' && outputs.every((o) => o.uom === 'KGM')) s.reworkEvents++;
        }
        for (const r of outputs) {
          checkRef(i, r, true);
          const k = keyOf(r);
          const lot = s.lots.get(k);
          if (lot) {
            if (lot.kind !== 'produced') err(i, `output ${k} was received`);
            if (lot.uom !== r.uom) err(i, `output unit differs for ${k}`);
            lot.loose += r.quantity ?? 0;
          } else {
            s.lots.set(k, { uom: r.uom ?? '', firstTime: t, loose: r.quantity ?? 0, held: false, kind: 'produced' });
          }
          s.producedItems.add(r.gtin ?? r.item ?? '');
          const list = s.producedBy.get(k) ?? [];
          list.push({ batch: c['batch'], count: 1 });
          s.producedBy.set(k, list);
        }
        break;
      }
      case 'pack': {
        const sscc = String(c['sscc']);
        if (!validGs1(sscc, 18) || sscc.slice(1, 8) !== '0614141') err(i, `invalid SSCC ${sscc}`);
        if (pallets.has(sscc) || s.shippedPallets.has(sscc)) err(i, `SSCC reused ${sscc}`);
        const contents = new Map<string, number>();
        for (const r of refs(c['contents'])) {
          checkRef(i, r, true);
          take(i, r, t, 'pack');
          contents.set(keyOf(r), (contents.get(keyOf(r)) ?? 0) + (r.quantity ?? 0));
          if (unpackedLots.has(keyOf(r))) s.repacks++;
        }
        pallets.set(sscc, contents);
        s.palletContents.set(sscc, new Set(contents.keys()));
        break;
      }
      case 'unpack': {
        const sscc = String(c['sscc']);
        const contents = pallets.get(sscc);
        if (!contents) {
          err(i, `unpack of unknown pallet ${sscc}`);
          break;
        }
        if (c['contents'] !== undefined) err(i, 'partial unpack not expected in the demo');
        for (const [k, q] of contents) {
          const lot = s.lots.get(k);
          if (lot) lot.loose += q;
          unpackedLots.add(k);
        }
        pallets.delete(sscc);
        break;
      }
      case 'ship': {
        const to = c['to'];
        if (typeof to !== 'string' || typeof c['order'] !== 'string') err(i, 'ship without to/order');
        s.customers.add(String(to));
        const lots = refs(c['lots']);
        const units = Array.isArray(c['units']) ? (c['units'] as { sscc?: string }[]) : [];
        if (lots.length === 0 && units.length === 0) err(i, 'empty shipment');
        for (const r of lots) {
          checkRef(i, r, true);
          take(i, r, t, 'ship');
          s.shippedItems.add(r.gtin ?? r.item ?? '');
        }
        if (units.length > 0) s.palletShipments++;
        for (const u of units) {
          const sscc = String(u.sscc);
          if (Object.keys(u).join() !== 'sscc') err(i, 'unit ref must be {sscc}');
          const contents = pallets.get(sscc);
          if (!contents) {
            err(i, `ship of unknown or already shipped pallet ${sscc}`);
            continue;
          }
          for (const k of contents.keys()) {
            const lot = s.lots.get(k);
            if (lot?.held) err(i, `pallet ${sscc} with held lot ${k} shipped`);
            s.shippedItems.add(k.split('|')[0] ?? '');
          }
          pallets.delete(sscc);
          s.shippedPallets.set(sscc, String(to));
        }
        break;
      }
      case 'destroy':
        for (const r of refs(c['lots'])) {
          checkRef(i, r, true);
          take(i, r, t, 'destroy');
        }
        break;
      case 'adjust': {
        const r = c['lot'] as Ref;
        checkRef(i, r, false);
        const lot = existing(i, r, t);
        if (lot) {
          if (lot.uom !== c['uom']) err(i, 'adjust unit differs');
          lot.loose += Number(c['quantity']);
          if (lot.loose < -EPS) err(i, 'adjusted below zero');
        }
        if (typeof c['reason'] !== 'string') err(i, 'adjust without reason');
        break;
      }
      case 'hold':
      case 'release':
        for (const r of refs(c['lots'])) {
          checkRef(i, r, false);
          const lot = existing(i, r, t);
          if (!lot) continue;
          if (lot.held === (c.cmd === 'hold')) err(i, `${c.cmd} of a lot already ${c.cmd === 'hold' ? 'held' : 'released'}`);
          lot.held = c.cmd === 'hold';
        }
        break;
      case 'inspect':
        if (c['result'] !== 'pass' && c['result'] !== 'fail') err(i, 'bad inspection result');
        if (c['result'] === 'fail') s.failedInspections++;
        if (params !== undefined && Object.keys(params as object).length > 0) s.inspectionsWithParameters++;
        for (const r of refs(c['lots'])) {
          checkRef(i, r, false);
          existing(i, r, t);
        }
        break;
      case 'move':
        if (typeof c['to'] !== 'string') err(i, 'move without to');
        for (const r of refs(c['lots'])) {
          checkRef(i, r, false);
          existing(i, r, t);
        }
        break;
    }
  });
  for (const [k, lot] of s.lots) if (lot.held) s.stillHeld.push(k);
  return s;
}

function counts(commands: readonly NativeCommand[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of commands) out[c.cmd] = (out[c.cmd] ?? 0) + 1;
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('generateDemoPlant', () => {
  const plant = generateDemoPlant();
  const stats = check(plant.commands);

  it('is deterministic: same seed, same commands; another seed differs', () => {
    const a = generateDemoPlant({ seed: 42 });
    const b = generateDemoPlant({ seed: 42 });
    expect(a).toStrictEqual(b);
    expect(generateDemoPlant({ seed: 43 }).commands).not.toStrictEqual(a.commands);
    expect(generateDemoPlant({ seed: 1 })).toStrictEqual(plant);
  });

  it('has 2,000–4,000 commands for 30 days, of every kind', () => {
    expect(plant.commands.length).toBeGreaterThanOrEqual(2000);
    expect(plant.commands.length).toBeLessThanOrEqual(4000);
    const n = counts(plant.commands);
    for (const cmd of ['receive', 'produce', 'pack', 'unpack', 'ship', 'inspect', 'hold', 'release', 'move', 'adjust', 'destroy']) {
      expect(n[cmd], cmd).toBeGreaterThan(0);
    }
  });

  it('replays without violations: times, fields, balances, holds, pallets', () => {
    expect(stats.errors).toEqual([]);
    expect(stats.stillHeld).toEqual([]);
  });

  it('starts on the start date and stays in time order with the +01:00 offset', () => {
    const first = plant.commands[0];
    const last = plant.commands[plant.commands.length - 1];
    expect(String(first?.['time'])).toMatch(/^2026-10-01T05:/);
    expect(String(last?.['time'])).toMatch(/^2026-10-3[01]T/);
  });

  it('has at least 3 suppliers, 10 customers and the item structure asked for', () => {
    expect(stats.suppliers.size).toBeGreaterThanOrEqual(3);
    expect(stats.customers.size).toBeGreaterThanOrEqual(10);
    expect(stats.receivedItems.size).toBeGreaterThanOrEqual(6);
    const intermediates = [...stats.producedItems].filter((i) => stats.consumedItems.has(i) && !stats.shippedItems.has(i));
    expect(intermediates.length).toBeGreaterThanOrEqual(2);
    expect(intermediates.length).toBeLessThanOrEqual(3);
    const finished = [...stats.shippedItems];
    expect(finished.length).toBeGreaterThanOrEqual(4);
    // finished goods are GS1 items, and so are some raw goods
    for (const f of finished) expect(validGs1(f, 14), f).toBe(true);
    expect([...stats.receivedItems].filter((i) => /^\d{14}$/.test(i)).length).toBeGreaterThan(0);
    expect([...stats.receivedItems].filter((i) => i.startsWith('RM-')).length).toBeGreaterThan(0);
  });

  it('receipts carry PO numbers and supplier lot codes', () => {
    const receipts = plant.commands.filter((c) => c.cmd === 'receive');
    expect(receipts.every((c) => typeof c['po'] === 'string')).toBe(true);
    expect(receipts.filter((c) => typeof c['supplierLot'] === 'string').length).toBeGreaterThan(receipts.length / 2);
  });

  it('has valid GTIN-14 and SSCC-18 check digits everywhere', () => {
    const gtins = new Set<string>();
    const ssccs = new Set<string>();
    const walk = (v: unknown, key?: string): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x));
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      else if (key === 'gtin') gtins.add(String(v));
      else if (key === 'sscc') ssccs.add(String(v));
    };
    walk(plant.commands);
    expect(gtins.size).toBeGreaterThanOrEqual(7);
    expect(ssccs.size).toBeGreaterThan(100);
    for (const g of gtins) expect(validGs1(g, 14), g).toBe(true);
    for (const s of ssccs) expect(validGs1(s, 18) && s.startsWith('00614141'), s).toBe(true);
    // GS1 General Specifications example SSCC 376104250021234569; GTIN 04012345000016.
    // (The body 00614141000000001 takes check digit 2, not the 7 of the format's illustration.)
    expect(gs1CheckDigit('37610425002123456')).toBe(9);
    expect(gs1CheckDigit('00614141000000001')).toBe(2);
    expect(gs1CheckDigit('0401234500001')).toBe(6);
  });

  it('shows co-mingling, splits, continuous production, rework and pallet shipments', () => {
    // co-mingling: batches drawing on many lots; one raw lot partially feeding many batches
    expect(stats.maxInputs).toBeGreaterThanOrEqual(5);
    expect(Math.max(...stats.partialRawConsumers.values())).toBeGreaterThanOrEqual(10);
    // split: an intermediate lot feeding several events, and one event with several outputs
    const intermediateConsumers = [...stats.consumedBy.entries()].filter(([k]) => k.startsWith('IM-'));
    expect(Math.max(...intermediateConsumers.map(([, n]) => n))).toBeGreaterThanOrEqual(3);
    expect(stats.maxOutputs).toBeGreaterThanOrEqual(2);
    // continuous production: a lot produced by 2–3 events sharing one batch id
    const continuous = [...stats.producedBy.values()].filter((l) => l.length >= 2);
    expect(continuous.length).toBeGreaterThan(50);
    for (const l of continuous) {
      expect(l.length).toBeLessThanOrEqual(3);
      expect(typeof l[0]?.batch).toBe('string');
      expect(new Set(l.map((e) => e.batch)).size).toBe(1);
    }
    // rework: a finished lot (EA) fed back into a KGM batch
    expect(stats.reworkEvents).toBeGreaterThanOrEqual(3);
    // pallets shipped, one pallet unpacked and repacked
    expect(stats.palletShipments).toBeGreaterThan(50);
    expect(stats.repacks).toBeGreaterThanOrEqual(1);
    expect(stats.failedInspections).toBeGreaterThanOrEqual(1);
    expect(stats.inspectionsWithParameters).toBeGreaterThan(10);
  });

  it('packs only whole pallets that ship complete', () => {
    // every packed pallet but possibly the last day's is shipped, and each SSCC once
    const packs = plant.commands.filter((c) => c.cmd === 'pack').map((c) => String(c['sscc']));
    expect(new Set(packs).size).toBe(packs.length);
    expect(stats.shippedPallets.size).toBeGreaterThan(packs.length * 0.8);
  });

  it('names 3–4 consistent highlights', () => {
    expect(plant.highlights.length).toBeGreaterThanOrEqual(3);
    expect(plant.highlights.length).toBeLessThanOrEqual(4);
    for (const h of plant.highlights) {
      const raw = stats.lots.get(`${h.rawLot.item}|${h.rawLot.lot}`);
      const fin = stats.lots.get(`${h.finishedLot.item}|${h.finishedLot.lot}`);
      expect(raw?.kind).toBe('received');
      expect(fin?.kind).toBe('produced');
      expect(stats.shippedPallets.get(h.sscc)).toBe(h.customer);
      expect(stats.palletContents.get(h.sscc)?.has(`${h.finishedLot.item}|${h.finishedLot.lot}`)).toBe(true);
      expect(h.description.length).toBeGreaterThan(40);
    }
  });

  it('works for other lengths and start dates', () => {
    const week = generateDemoPlant({ days: 7, startDate: '2027-03-01', seed: 9 });
    const s = check(week.commands);
    expect(s.errors).toEqual([]);
    expect(String(week.commands[0]?.['time'])).toMatch(/^2027-03-01T/);
    expect(week.commands.length).toBeGreaterThan(300);
    const quarter = generateDemoPlant({ days: 92, seed: 5 });
    expect(check(quarter.commands).errors).toEqual([]);
    expect(quarter.highlights.length).toBe(4);
    expect(generateDemoPlant({ days: 0 })).toEqual({ commands: [], highlights: [] });
  });

  it('holds its invariants for other seeds', () => {
    for (const seed of [2, 3, 1234, 987654321, -7]) {
      const p = generateDemoPlant({ seed });
      const st = check(p.commands);
      expect(st.errors, `seed ${seed}`).toEqual([]);
      expect(p.commands.length).toBeGreaterThanOrEqual(2000);
      expect(p.commands.length).toBeLessThanOrEqual(4000);
      expect(st.customers.size).toBeGreaterThanOrEqual(10);
      expect(st.reworkEvents).toBeGreaterThanOrEqual(3);
      expect(p.highlights.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('the checker itself catches over-consumption and use before production', () => {
    const i = plant.commands.findIndex((c) => c.cmd === 'produce' && refs(c['inputs']).some((r) => r.item === 'IM-COOKIE-DOUGH'));
    const c = plant.commands[i];
    expect(c).toBeDefined();
    const inputs = refs(c?.['inputs']).map((r) => (r.item === 'IM-COOKIE-DOUGH' ? { ...r, quantity: (r.quantity ?? 0) * 10 } : r));
    const over = [...plant.commands];
    over[i] = { ...(c as NativeCommand), inputs };
    expect(check(over).errors.join('\n')).toMatch(/consume beyond balance/);
    const early = [...plant.commands];
    early[i] = { ...(c as NativeCommand), time: '2026-10-01T05:00:00+01:00' };
    expect(check(early).errors.join('\n')).toMatch(/time goes backwards|used at or before/);
  });

  it('rejects bad options', () => {
    expect(() => generateDemoPlant({ startDate: '2026-13-01' })).toThrow(RangeError);
    expect(() => generateDemoPlant({ startDate: 'tomorrow' })).toThrow(RangeError);
    expect(() => generateDemoPlant({ days: -1 })).toThrow(RangeError);
    expect(() => generateDemoPlant({ days: 1.5 })).toThrow(RangeError);
  });
});
