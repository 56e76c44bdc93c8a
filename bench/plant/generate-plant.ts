/**
 * A deterministic plant: receipts, multi-stage production, packing and shipping, with rework,
 * continuous runs, late events, holds and error declarations, yielded one line at a time as
 * native NDJSON commands (or EPCIS event lines for the declarations). The state kept is bounded
 * by a few days of production, never by the number of days generated, so memory stays flat
 * however large the plant.
 */
import { NativeCommand } from '../../src/capture/native/native-command.js';
import { nativeToEpcis } from '../../src/capture/native/native-to-epcis.js';
import type { Issue } from '../../src/domain/errors.js';
import type { PlantParams } from './presets.js';

/** One NDJSON line: a native command, or an EPCIS event (error declarations). */
export type PlantLine = Record<string, unknown>;

export type ItemCategory = 'raw' | 'intermediate' | 'finished';

/** What the harness needs to know about the generated plant besides its events. */
export interface PlantManifest {
  readonly params: PlantParams;
  /** Item code (plant item or GTIN-14) → category. */
  readonly items: Record<string, ItemCategory>;
  readonly counts: {
    events: number;
    lots: number;
    edges: number;
    receipts: number;
    batches: number;
    shipments: number;
    pallets: number;
    late: number;
    declarations: number;
    reworkInputs: number;
  };
}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** GS1 mod-10 check digit of a digit string (the digits before the check digit). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

const COMPANY_PREFIX = '0614141';
const PLANT_OFFSET_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** RFC 3339 with the plant's +01:00 offset, to the second. */
export function plantTime(utcMs: number): string {
  return new Date(utcMs + PLANT_OFFSET_MS).toISOString().slice(0, 19) + '+01:00';
}

interface ItemDef {
  readonly code: string;
  /** GS1 items are written with `gtin`, plant items with `item`. */
  readonly gtin: boolean;
}

interface RawItem extends ItemDef {
  readonly supplier: number;
  readonly every: number;
  readonly phase: number;
  /** Kept in a silo or tank (`PlantParams.bulk`): one large lot per delivery, a few kilograms per batch. */
  readonly bulk: boolean;
}

interface LotRef {
  readonly item: ItemDef;
  readonly lot: string;
  readonly uom: string;
  /** What is left of the lot: nothing consumes or ships more than was made or received (no mass-balance gap). */
  left: number;
  /** Held after a failed inspection: not used until after this day. */
  heldUntilDay?: number;
}

interface Part {
  readonly lot: LotRef;
  readonly quantity: number;
}

function objectSpec(l: Pick<LotRef, 'item' | 'lot'>, quantity?: number, uom?: string): Record<string, unknown> {
  const o: Record<string, unknown> = l.item.gtin ? { gtin: l.item.code, lot: l.lot } : { item: l.item.code, lot: l.lot };
  if (quantity !== undefined) {
    o['quantity'] = quantity;
    if (uom !== undefined) o['uom'] = uom;
  }
  return o;
}

/** Yields the plant's lines in record order (the order a system would have received them). */
export function* generatePlant(params: PlantParams, manifestOut?: { manifest?: PlantManifest }): Generator<PlantLine> {
  const r = rng(params.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  /** An integer with mean `mean`: floor or ceil, in the right proportion. */
  const around = (mean: number): number => {
    const lo = Math.floor(mean);
    return lo + (r() < mean - lo ? 1 : 0);
  };
  /** A spread-out count with mean `mean`, at least `min`. */
  const spread = (mean: number, min: number): number => Math.max(min, around(mean * (0.5 + r())));
  const qty = (lo: number, hi: number): number => Math.round(lo + r() * (hi - lo));

  const items: Record<string, ItemCategory> = {};
  const counts = { events: 0, lots: 0, edges: 0, receipts: 0, batches: 0, shipments: 0, pallets: 0, late: 0, declarations: 0, reworkInputs: 0 };
  const start = Date.parse(`${params.startDate}T00:00:00Z`) - PLANT_OFFSET_MS;

  const suppliers = Array.from({ length: params.suppliers }, (_, i) => `Supplier ${String(i + 1).padStart(3, '0')}`);
  const customers = Array.from({ length: params.customers }, (_, i) => `Customer ${String(i + 1).padStart(4, '0')}`);
  // bulk items spread evenly over the raw items; the draws below are the same with or without them,
  // so a preset without bulk items generates the same bytes as before the parameter existed
  const bulkStride = params.bulk && params.bulk.items > 0 ? Math.max(1, Math.floor(params.rawItems / params.bulk.items)) : 0;
  const isBulk = (i: number): boolean => bulkStride > 0 && i % bulkStride === 0 && i / bulkStride < params.bulk!.items;
  const rawItems: RawItem[] = Array.from({ length: params.rawItems }, (_, i) => {
    // half of the raw items come with the supplier's GTIN, half under the plant's own codes
    const gtin = i % 2 === 0;
    const ref = `1${String(i).padStart(5, '0')}`;
    const body = `1${COMPANY_PREFIX.slice(1)}${ref}`.slice(0, 13);
    const code = gtin ? body + gs1CheckDigit(body) : `RM-${String(i + 1).padStart(4, '0')}`;
    const drawn = pick(params.rawEveryDays);
    const bulk = isBulk(i);
    const every = bulk ? params.bulk!.everyDays[(i / bulkStride) % params.bulk!.everyDays.length]! : drawn;
    return { code, gtin, supplier: Math.floor(r() * params.suppliers), every, phase: Math.floor(r() * every), bulk };
  });
  for (const it of rawItems) items[it.code] = 'raw';

  interface PlantState {
    readonly name: string;
    /** stage (1..stages) → intermediate items; stage stages+1 → finished items. */
    readonly itemsByStage: ItemDef[][];
    /** item code → its recipe of raw items. */
    readonly recipes: Map<string, RawItem[]>;
    /** raw item code → its current lots (the last two deliveries). */
    readonly rawLots: Map<string, LotRef[]>;
    /** stage → lots produced in the last two days (the newest day last). */
    readonly recent: LotRef[][][];
    /** finished and last-stage lots of the last ten days, for rework. */
    readonly reworkPool: LotRef[][];
    /** today's finished output, to be packed and shipped tomorrow. */
    toShip: Part[];
  }
  const plants: PlantState[] = [];
  for (let p = 0; p < params.plants; p++) {
    const itemsByStage: ItemDef[][] = [];
    const perStage = Math.max(1, Math.floor(params.intermediateItems / params.stages));
    for (let s = 1; s <= params.stages; s++) {
      itemsByStage[s - 1] = Array.from({ length: perStage }, (_, i) => ({ code: `P${p + 1}-S${s}-${String(i + 1).padStart(3, '0')}`, gtin: false }));
    }
    itemsByStage[params.stages] = Array.from({ length: params.finishedItems }, (_, i) => {
      const body = `0${COMPANY_PREFIX.slice(1)}${String(p + 1)}${String(i).padStart(5, '0')}`.slice(0, 13);
      return { code: body + gs1CheckDigit(body), gtin: true };
    });
    for (let s = 0; s < params.stages; s++) for (const it of itemsByStage[s]!) items[it.code] = 'intermediate';
    for (const it of itemsByStage[params.stages]!) items[it.code] = 'finished';
    const recipes = new Map<string, RawItem[]>();
    for (const stage of itemsByStage) {
      for (const it of stage) {
        const n = Math.max(1, Math.round(params.inputsPerBatch) - 1);
        const recipe = new Set<RawItem>();
        while (recipe.size < Math.min(n, rawItems.length)) recipe.add(pick(rawItems));
        recipes.set(it.code, [...recipe]);
      }
    }
    plants.push({
      name: `Plant ${p + 1}`,
      itemsByStage,
      recipes,
      rawLots: new Map(),
      recent: Array.from({ length: params.stages + 1 }, () => [[], []]),
      reworkPool: [],
      toShip: [],
    });
  }

  /** Lines held back to be sent late: released at the end of their day. */
  const deferred = new Map<number, PlantLine[]>();
  let idCounter = 0;
  const nextId = (): string => {
    idCounter++;
    const hex = idCounter.toString(16).padStart(12, '0');
    const s = (params.seed >>> 0).toString(16).padStart(8, '0');
    return `urn:uuid:${s}-0000-4000-8000-${hex}`;
  };
  let ssccCounter = 0;
  const nextSscc = (): string => {
    ssccCounter++;
    const body = `0${COMPANY_PREFIX}${String(ssccCounter).padStart(9, '0')}`;
    return body + gs1CheckDigit(body);
  };

  function* emit(line: PlantLine, day: number): Generator<PlantLine> {
    if (r() < params.lateRate) {
      const when = day + 1 + Math.floor(r() * 3);
      let l = deferred.get(when);
      if (!l) deferred.set(when, (l = []));
      l.push(line);
      counts.late++;
      return;
    }
    counts.events++;
    yield line;
  }

  for (let day = 0; day < params.days; day++) {
    const dayMs = start + day * DAY_MS;
    for (const plant of plants) {
      const at = (hour: number): string => plantTime(dayMs + Math.floor(hour * 3_600_000) + Math.floor(r() * 60) * 1000);
      // 1. receipts, from 05:00
      for (const it of rawItems) {
        if ((day + it.phase) % it.every !== 0 && day > 0) continue;
        const drawnLots = spread(params.lotsPerDelivery, 1);
        const n = it.bulk ? 1 : drawnLots;
        const fresh: LotRef[] = [];
        for (let k = 0; k < n; k++) {
          const received = it.bulk ? qty(0.8 * params.bulk!.kg, params.bulk!.kg) : qty(2000, 20000);
          const lot: LotRef = { item: it, lot: `${it.gtin ? 'S' : 'R'}${String(day + 1).padStart(4, '0')}-${plant.name.slice(6)}-${k + 1}`, uom: 'KGM', left: received };
          fresh.push(lot);
          counts.lots++;
          counts.receipts++;
          // before production starts at 06:00: nothing is consumed before it is received
          const time = at(3 + r() * 2.5);
          yield* emit(
            {
              cmd: 'receive',
              time,
              lots: [objectSpec(lot, received, 'KGM')],
              from: suppliers[it.supplier]!,
              po: `PO-${plant.name.slice(6)}-${String(day + 1).padStart(4, '0')}-${it.code.slice(-4)}`,
              supplierLot: `SL-${String(it.supplier)}-${String(day)}-${k}`,
              location: `${plant.name} / Goods in`,
            },
            day,
          );
          if (r() < params.inspectRate) {
            const failed = r() < params.holdRate;
            yield* emit({ cmd: 'inspect', time: at(8.2), lots: [objectSpec(lot)], result: failed ? 'fail' : 'pass', location: `${plant.name} / QA lab` }, day);
            if (failed) {
              lot.heldUntilDay = day + 1;
              yield* emit({ cmd: 'hold', time: at(8.5), lots: [objectSpec(lot)], reason: 'Incoming inspection failed', location: `${plant.name} / QA lab` }, day);
              yield* emit({ cmd: 'release', time: plantTime(dayMs + DAY_MS + 9 * 3_600_000), lots: [objectSpec(lot)], reason: 'Re-test passed', location: `${plant.name} / QA lab` }, day);
            }
          }
        }
        const prev = plant.rawLots.get(it.code) ?? [];
        // the previous delivery stays in use alongside the new one
        plant.rawLots.set(it.code, [...prev.slice(-params.lotsPerDelivery * 2), ...fresh].slice(-Math.ceil(params.lotsPerDelivery * 2) - 1));
      }

      // 2. production, stage by stage, 06:00–22:00
      for (let s = 0; s <= params.stages; s++) {
        const finished = s === params.stages;
        const batches = finished ? params.batchesPerDay : Math.max(1, Math.round(params.batchesPerDay * params.intermediateBatchRatio));
        const todays: LotRef[] = [];
        for (let b = 0; b < batches; b++) {
          const item = pick(plant.itemsByStage[s]!);
          const nIn = spread(params.inputsPerBatch, 1);
          const inputs: Part[] = [];
          const used = new Set<string>();
          const add = (lot: LotRef | undefined, quantity: number): void => {
            if (!lot || (lot.heldUntilDay !== undefined && lot.heldUntilDay >= day)) return;
            const key = `${lot.item.code}\u0000${lot.lot}`;
            if (used.has(key)) return;
            // never more than is left of the lot
            const take = Math.min(quantity, lot.left);
            if (take <= 0) return;
            lot.left -= take;
            used.add(key);
            inputs.push({ lot, quantity: take });
          };
          if (s > 0) {
            // two or three lots of the previous stage (today's, else yesterday's): a tank or dough lot feeds several batches downstream
            const pool = plant.recent[s - 1]!;
            const choices = pool[1]!.length > 0 ? pool[1]! : pool[0]!;
            const k = 2 + (r() < 0.5 ? 1 : 0);
            for (let j = 0; j < k && choices.length > 0; j++) add(pick(choices), qty(50, 400));
          }
          if (r() < params.reworkRate && plant.reworkPool.length > 0) {
            const dayPool = pick(plant.reworkPool);
            if (dayPool.length > 0) {
              add(pick(dayPool), qty(5, 40));
              counts.reworkInputs++;
            }
          }
          const recipe = plant.recipes.get(item.code)!;
          for (let guard = 0; inputs.length < nIn && guard < nIn * 3; guard++) {
            const lots = plant.rawLots.get(pick(recipe).code);
            if (lots && lots.length > 0) {
              const lot = lots[r() < 0.7 ? lots.length - 1 : Math.floor(r() * lots.length)];
              add(lot, (lot?.item as RawItem | undefined)?.bulk ? qty(2, 30) : qty(5, 300));
            }
          }
          if (inputs.length === 0) continue;
          const nOut = spread(params.outputsPerBatch - 1, 0) + 1;
          const outputs: Part[] = [];
          const batchNo = `${String(day + 1).padStart(4, '0')}-${s + 1}-${String(b + 1).padStart(3, '0')}`;
          for (let o = 0; o < nOut; o++) {
            const quantity = finished ? qty(800, 4000) : qty(200, 1200);
            const lot: LotRef = { item, lot: `L${plant.name.slice(6)}-${batchNo}${nOut > 1 ? String.fromCharCode(65 + o) : ''}`, uom: finished ? 'EA' : 'KGM', left: quantity };
            outputs.push({ lot, quantity });
            counts.lots++;
          }
          counts.batches++;
          counts.edges += inputs.length * outputs.length;
          const hour = 6 + (16 * (s + b / batches)) / (params.stages + 1);
          const location = `${plant.name} / ${finished ? 'Packing' : `Process ${s + 1}`}`;
          const outUom = finished ? 'EA' : 'KGM';
          const ins = inputs.map((i) => objectSpec(i.lot, i.quantity, i.lot.uom));
          const outs = outputs.map((o) => objectSpec(o.lot, o.quantity, outUom));
          if (r() < params.continuousRate && inputs.length >= 2) {
            // a continuous run: inputs fed in two events, outputs declared in a third, within the
            // batch's slot (so that the next stage never consumes an output before it was made)
            const batch = `${plant.name.slice(6)}-${batchNo}`;
            const half = Math.ceil(ins.length / 2);
            yield* emit({ cmd: 'produce', time: at(hour), batch, inputs: ins.slice(0, half), location, line: `Line ${(b % 4) + 1}` }, day);
            yield* emit({ cmd: 'produce', time: at(hour + 0.02), batch, inputs: ins.slice(half), location, line: `Line ${(b % 4) + 1}` }, day);
            yield* emit({ cmd: 'produce', time: at(hour + 0.04), batch, outputs: outs, location, line: `Line ${(b % 4) + 1}` }, day);
          } else if (r() < params.errorRate && inputs.length >= 2) {
            // recorded with a wrong input, declared erroneous the next day, and corrected
            const wrongId = nextId();
            const rightId = nextId();
            const time = at(hour);
            const wrong = { cmd: 'produce', id: wrongId, time, inputs: ins, outputs: outs, location, order: `MO-${batchNo}` };
            counts.events++;
            yield wrong;
            const declaration = { ...lineAsEpcis(wrong) };
            declaration['errorDeclaration'] = { declarationTime: plantTime(dayMs + DAY_MS + 10 * 3_600_000), reason: 'incorrect_data', correctiveEventIDs: [rightId] };
            const fixed = { cmd: 'produce', id: rightId, time, inputs: ins.slice(1), outputs: outs, location, order: `MO-${batchNo}`, note: 'corrected: first input was recorded by mistake' };
            let l = deferred.get(day + 1);
            if (!l) deferred.set(day + 1, (l = []));
            l.push(declaration, fixed);
            counts.declarations++;
          } else {
            yield* emit({ cmd: 'produce', time: at(hour), inputs: ins, outputs: outs, location, order: `MO-${batchNo}` }, day);
          }
          for (const o of outputs) todays.push(o.lot);
          if (finished) for (const o of outputs) plant.toShip.push(o);
        }
        const pool = plant.recent[s]!;
        pool.shift();
        pool.push(todays);
        if (s >= params.stages - 1) {
          if (s === params.stages - 1) plant.reworkPool.push(todays);
          else plant.reworkPool[plant.reworkPool.length - 1] = [...(plant.reworkPool[plant.reworkPool.length - 1] ?? []), ...todays];
          while (plant.reworkPool.length > 10) plant.reworkPool.shift();
        }
      }

      // 3. yesterday's finished lots: split into parts, packed onto pallets, shipped from 04:00
      const parts: Part[] = [];
      for (const done of plant.toShip.splice(0, plant.toShip.length)) {
        const n = spread(params.shipmentsPerLot, 1);
        // what rework left of the lot, shared out: never more than is left
        const each = Math.floor(done.lot.left / n);
        if (each <= 0) continue;
        done.lot.left -= each * n;
        for (let k = 0; k < n; k++) parts.push({ lot: done.lot, quantity: each });
      }
      for (let i = parts.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [parts[i], parts[j]] = [parts[j]!, parts[i]!];
      }
      let pallets: string[] = [];
      const ship = function* (units: string[]): Generator<PlantLine> {
        counts.shipments++;
        yield* emit(
          {
            cmd: 'ship',
            time: plantTime(dayMs + DAY_MS + 4 * 3_600_000 + Math.floor(r() * 8 * 3_600_000)),
            units: units.map((sscc) => ({ sscc })),
            to: pick(customers),
            order: `SO-${plant.name.slice(6)}-${String(counts.shipments)}`,
            location: `${plant.name} / Dispatch`,
          },
          day,
        );
      };
      for (let i = 0; i < parts.length; ) {
        const n = Math.min(parts.length - i, 1 + Math.floor(r() * 3));
        const contents = parts.slice(i, i + n);
        i += n;
        const sscc = nextSscc();
        counts.pallets++;
        yield* emit(
          {
            cmd: 'pack',
            time: plantTime(dayMs + 23 * 3_600_000 + Math.floor(r() * 3_000) * 1000),
            sscc,
            contents: contents.map((c) => objectSpec(c.lot, c.quantity, 'EA')),
            location: `${plant.name} / Palletiser`,
          },
          day,
        );
        pallets.push(sscc);
        if (pallets.length >= spread(params.palletsPerShipment, 1)) {
          yield* ship(pallets);
          pallets = [];
        }
      }
      if (pallets.length > 0) yield* ship(pallets);
    }
    const late = deferred.get(day);
    if (late) {
      deferred.delete(day);
      for (const l of late) {
        counts.events++;
        yield l;
      }
    }
  }
  for (const day of [...deferred.keys()].sort((a, b) => a - b)) {
    for (const l of deferred.get(day)!) {
      counts.events++;
      yield l;
    }
  }
  if (manifestOut) manifestOut.manifest = { params, items, counts };
}

/** The EPCIS event a native line becomes (the declaration must carry the declared event's eventID and content). */
export function lineAsEpcis(line: PlantLine): Record<string, unknown> {
  if (line['cmd'] === undefined) return line;
  const issues: Issue[] = [];
  const ev = nativeToEpcis(NativeCommand.parse(line), issues);
  if (!ev || issues.length > 0) throw new Error(`generator bug: ${JSON.stringify(line)} does not translate: ${JSON.stringify(issues)}`);
  return ev as Record<string, unknown>;
}
