/**
 * A deterministic generator of a realistic demo food plant (a two-shift bakery), used by
 * `lotline demo` and by `npm start` on an empty database.
 *
 * It returns Lotline native commands (the objects of the native NDJSON format, one per
 * event, in time order) plus a few "highlights": good starting points for a newcomer.
 *
 * Pure on purpose: no I/O, no clock, no Math.random (it only borrows the GS1 check digit). The same
 * options always give exactly the same commands (a seeded mulberry32 PRNG drives every
 * variation).
 *
 * The plant (Mon–Sat, shifts A 06:00–14:00 and B 14:00–22:00, times at +01:00):
 * - 9 suppliers deliver 12 raw items (flour into silos, butter, milk, sugar, liquid egg, salt,
 *   yeast, chocolate chips, cocoa, vegetable fat, packaging film), with PO numbers and the
 *   supplier's own lot code; chilled and dry goods are inspected and moved to their store.
 * - Mixing: 6 cookie-dough, 6 brioche-dough and 2 cream-filling batches a day, each drawing on
 *   several raw lots (FIFO, partial consumption: one silo lot feeds a week of batches).
 * - Lines: every cookie-dough batch is split over three lines (butter cookies, chocolate chip
 *   cookies, cream sandwich biscuits); every brioche-dough batch is divided into loaves and
 *   mini brioches in one event. A finished lot is one line-shift run: 2–3 production events
 *   sharing a `batch` (continuous production).
 * - Rework: on some days broken packs of yesterday's butter cookies (EA) go back into the first
 *   cookie-dough batch (KGM), in streaks, so ancestries get deep.
 * - End of run: a line-release inspection of every finished lot (a few fail: hold, destroy the
 *   bad packs, release), full pallets (SSCC) packed, the rest stays loose.
 * - Dispatch: each morning every ready pallet goes to 4–6 distribution centres, loose cases to
 *   small customers; short-dated loose stock is donated on Saturdays. One damaged pallet is
 *   unpacked and repacked; weekly silo checks and a stock count adjust quantities.
 */
import { gs1CheckDigit } from '../domain/identifiers/gtin.js';

/** One native command (a line of native NDJSON). The real schema lives in the capture layer. */
export type NativeCommand = Readonly<Record<string, unknown>> & { readonly cmd: string };

export interface DemoOptions {
  /** PRNG seed (default 1). */
  seed?: number;
  /** Number of calendar days to simulate (default 30; Sundays are idle). */
  days?: number;
  /** First day, ISO date (default '2026-10-01'). */
  startDate?: string;
}

export interface DemoLotRef {
  /** GTIN-14 for GS1 items, else the plant item code. */
  item: string;
  lot: string;
}

export interface DemoHighlight {
  rawLot: DemoLotRef;
  finishedLot: DemoLotRef;
  sscc: string;
  customer: string;
  description: string;
}

export interface DemoPlant {
  commands: NativeCommand[];
  highlights: DemoHighlight[];
}

// ---------------------------------------------------------------------------------------------
// Seeded PRNG
// ---------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  }

  float(): number {
    return this.next();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const a = out[i] as T;
      out[i] = out[j] as T;
      out[j] = a;
    }
    return out;
  }

  /** `value` varied by up to ±`fraction`, rounded to an integer. */
  vary(value: number, fraction: number): number {
    return Math.round(value * (1 + (this.next() * 2 - 1) * fraction));
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }

  letter(): string {
    return String.fromCharCode(65 + this.int(0, 25));
  }
}

// ---------------------------------------------------------------------------------------------
// GS1 numbers
// ---------------------------------------------------------------------------------------------

function withCheckDigit(body: string): string {
  return body + String(gs1CheckDigit(body));
}

/** GTIN-14: indicator digit + 7-digit company prefix + 5-digit item reference + check digit. */
function gtin14(indicator: string, companyPrefix: string, itemRef: string): string {
  const body = indicator + companyPrefix + itemRef;
  if (body.length !== 13) throw new RangeError(`GTIN-14 body must have 13 digits: ${body}`);
  return withCheckDigit(body);
}

/** The plant's GS1 company prefix (also used for its SSCCs). */
const PLANT_PREFIX = '0614141';

function sscc18(serial: number): string {
  return withCheckDigit('0' + PLANT_PREFIX + String(serial).padStart(9, '0'));
}

// ---------------------------------------------------------------------------------------------
// Calendar and times
// ---------------------------------------------------------------------------------------------

const DAY = 86_400;
const HOUR = 3_600;
const MIN = 60;
const OFFSET = '+01:00';

interface DayInfo {
  readonly iso: string;
  /** yymmdd, for lot codes */
  readonly ymd: string;
  /** yy + day of year (3 digits), the Julian code many suppliers print */
  readonly julian: string;
  /** 0 = Sunday … 6 = Saturday */
  readonly weekday: number;
}

function parseStartDate(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new RangeError(`startDate must be an ISO date (YYYY-MM-DD): ${s}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`startDate is not a calendar date: ${s}`);
  }
  return ms;
}

function dayInfo(startMs: number, d: number): DayInfo {
  const date = new Date(startMs + d * DAY * 1000);
  const iso = date.toISOString().slice(0, 10);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const doy = Math.floor((date.getTime() - yearStart) / (DAY * 1000)) + 1;
  return {
    iso,
    ymd: iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10),
    julian: iso.slice(2, 4) + String(doy).padStart(3, '0'),
    weekday: date.getUTCDay(),
  };
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------
// Master data
// ---------------------------------------------------------------------------------------------

type Uom = 'KGM' | 'LTR' | 'EA';

export interface BaseItem {
  readonly key: string;
  readonly name: string;
  readonly uom: Uom;
  readonly gtin?: string;
  readonly code?: string;
}

export interface RawItem extends BaseItem {
  readonly kind: 'raw';
  readonly supplier: string;
  /** nominal lot size (uom units) and its variation */
  readonly lotSize: number;
  readonly lotJitter: number;
  /** nominal daily use (uom units), for purchasing */
  readonly dailyUse: number;
  /** where the receipt lands and where it is put away (undefined: stays where received) */
  readonly receiveAt: string;
  readonly store?: string;
  readonly chilled: boolean;
  /** internal lot code prefix (plant-coded items) */
  readonly lotPrefix: string;
  /** the supplier's own lot code; for GS1 items it is the lot itself */
  readonly supplierLot: (rng: Random, day: DayInfo) => string;
}

export interface MadeItem extends BaseItem {
  readonly kind: 'intermediate';
  readonly lotPrefix: string;
}

export interface FinishedItem extends BaseItem {
  readonly kind: 'finished';
  readonly lotPrefix: string;
  readonly packKg: number;
  readonly caseSize: number;
  readonly palletCases: number;
}

type Item = RawItem | MadeItem | FinishedItem;

export const LOC = {
  goodsIn: 'Plant 1 / Goods in',
  coldStore: 'Plant 1 / Cold store',
  dryStore: 'Plant 1 / Dry store',
  packagingStore: 'Plant 1 / Packaging store',
  silo1: 'Plant 1 / Flour silo 1',
  silo2: 'Plant 1 / Flour silo 2',
  mixing: 'Plant 1 / Mixing room',
  line1: 'Plant 1 / Line 1 (butter cookies)',
  line2: 'Plant 1 / Line 2 (chocolate chip cookies)',
  line3: 'Plant 1 / Line 3 (sandwich biscuits)',
  line4: 'Plant 1 / Line 4 (brioche)',
  qaLab: 'Plant 1 / QA lab',
  palletiser: 'Plant 1 / Palletiser',
  warehouse: 'Plant 1 / Finished goods warehouse',
  dispatch: 'Plant 1 / Dispatch',
} as const;

export const SUPPLIERS = {
  mill: 'Valley Mills',
  dairy: 'Northfield Dairy',
  sugar: 'Sweetland Sugar',
  eggs: 'Sunny Farm Eggs',
  salt: 'Atlantic Salt Works',
  yeast: 'Martin Yeast Co.',
  cocoa: 'Cocoa Nord',
  oils: 'Rhine Oils',
  packaging: 'FlexiPack GmbH',
} as const;

export const RAW: readonly RawItem[] = [
  {
    kind: 'raw', key: 'fat', name: 'Vegetable fat, palm-free', uom: 'KGM', code: 'RM-VEG-FAT',
    supplier: SUPPLIERS.oils, lotSize: 1000, lotJitter: 0, dailyUse: 120, receiveAt: LOC.goodsIn,
    store: LOC.dryStore, chilled: false, lotPrefix: 'FAT',
    supplierLot: (r, day) => `RO${day.julian}${r.letter()}`,
  },
  {
    kind: 'raw', key: 'sugar', name: 'Granulated sugar (1 t big bag)', uom: 'KGM', code: 'RM-SUGAR',
    supplier: SUPPLIERS.sugar, lotSize: 1000, lotJitter: 0, dailyUse: 930, receiveAt: LOC.goodsIn,
    store: LOC.dryStore, chilled: false, lotPrefix: 'SUG',
    supplierLot: (r, day) => `SW-${day.ymd}-${r.digits(3)}`,
  },
  {
    kind: 'raw', key: 'cocoa', name: 'Cocoa powder 22/24 (25 kg sacks)', uom: 'KGM',
    gtin: gtin14('1', '5412345', '00045'), supplier: SUPPLIERS.cocoa, lotSize: 500, lotJitter: 0,
    dailyUse: 40, receiveAt: LOC.goodsIn, store: LOC.dryStore, chilled: false, lotPrefix: 'CP',
    supplierLot: (r, day) => `CP${day.julian}-${r.int(1, 9)}`,
  },
  {
    kind: 'raw', key: 'salt', name: 'Fine salt (25 kg sacks)', uom: 'KGM', code: 'RM-SALT',
    supplier: SUPPLIERS.salt, lotSize: 1000, lotJitter: 0, dailyUse: 31, receiveAt: LOC.goodsIn,
    store: LOC.dryStore, chilled: false, lotPrefix: 'SLT',
    supplierLot: (r) => `AS${r.digits(6)}`,
  },
  {
    kind: 'raw', key: 'flour55', name: 'Wheat flour T55 (bulk)', uom: 'KGM', code: 'RM-FLOUR-T55',
    supplier: SUPPLIERS.mill, lotSize: 13500, lotJitter: 0.03, dailyUse: 1560, receiveAt: LOC.silo1,
    chilled: false, lotPrefix: 'F55',
    supplierLot: (r, day) => `VM-${day.julian}/${r.int(1, 6)}`,
  },
  {
    kind: 'raw', key: 'butter', name: 'Butter 82% fat (25 kg blocks)', uom: 'KGM',
    gtin: gtin14('1', '3012345', '00101'), supplier: SUPPLIERS.dairy, lotSize: 1000, lotJitter: 0,
    dailyUse: 1050, receiveAt: LOC.goodsIn, store: LOC.coldStore, chilled: true, lotPrefix: 'BUT',
    supplierLot: (r, day) => `ND${day.julian}${r.letter()}${r.int(1, 4)}`,
  },
  {
    kind: 'raw', key: 'egg', name: 'Liquid whole egg, pasteurised (1 t IBC)', uom: 'KGM', code: 'RM-EGG-LIQ',
    supplier: SUPPLIERS.eggs, lotSize: 1000, lotJitter: 0.02, dailyUse: 396, receiveAt: LOC.goodsIn,
    store: LOC.coldStore, chilled: true, lotPrefix: 'EGG',
    supplierLot: (r, day) => `SFE-${day.ymd}-P${r.int(1, 3)}`,
  },
  {
    kind: 'raw', key: 'flour45', name: 'Wheat flour T45 for brioche (bulk)', uom: 'KGM', code: 'RM-FLOUR-T45',
    supplier: SUPPLIERS.mill, lotSize: 9000, lotJitter: 0.03, dailyUse: 900, receiveAt: LOC.silo2,
    chilled: false, lotPrefix: 'F45',
    supplierLot: (r, day) => `VM-${day.julian}/${r.int(1, 6)}`,
  },
  {
    kind: 'raw', key: 'milk', name: 'Whole milk 3.5% (1,000 L IBC)', uom: 'LTR', code: 'RM-MILK',
    supplier: SUPPLIERS.dairy, lotSize: 1000, lotJitter: 0, dailyUse: 300, receiveAt: LOC.goodsIn,
    store: LOC.coldStore, chilled: true, lotPrefix: 'MLK',
    supplierLot: (r, day) => `ND${day.julian}M${r.int(1, 9)}`,
  },
  {
    kind: 'raw', key: 'yeast', name: 'Fresh yeast (10 kg cartons)', uom: 'KGM', code: 'RM-YEAST',
    supplier: SUPPLIERS.yeast, lotSize: 240, lotJitter: 0, dailyUse: 36, receiveAt: LOC.goodsIn,
    store: LOC.coldStore, chilled: true, lotPrefix: 'YST',
    supplierLot: (r) => `MY${r.digits(5)}`,
  },
  {
    kind: 'raw', key: 'chips', name: 'Dark chocolate chips 4000 ct (25 kg cartons)', uom: 'KGM',
    gtin: gtin14('1', '5412345', '00021'), supplier: SUPPLIERS.cocoa, lotSize: 1000, lotJitter: 0,
    dailyUse: 216, receiveAt: LOC.goodsIn, store: LOC.dryStore, chilled: false, lotPrefix: 'CH',
    supplierLot: (r, day) => `CN${day.julian}${r.letter()}${r.digits(2)}`,
  },
  {
    kind: 'raw', key: 'film', name: 'Printed flow-wrap film (40 kg rolls)', uom: 'KGM', code: 'PK-FILM-FLOW',
    supplier: SUPPLIERS.packaging, lotSize: 480, lotJitter: 0, dailyUse: 36, receiveAt: LOC.goodsIn,
    store: LOC.packagingStore, chilled: false, lotPrefix: 'FLM',
    supplierLot: (r) => `FP-${r.digits(7)}`,
  },
];

function rawItem(key: string): RawItem {
  const item = RAW.find((i) => i.key === key);
  if (!item) throw new Error(`unknown raw item ${key}`);
  return item;
}

export const COOKIE_DOUGH: MadeItem = { kind: 'intermediate', key: 'cookieDough', name: 'Cookie dough', uom: 'KGM', code: 'IM-COOKIE-DOUGH', lotPrefix: 'CD' };
export const BRIOCHE_DOUGH: MadeItem = { kind: 'intermediate', key: 'briocheDough', name: 'Brioche dough', uom: 'KGM', code: 'IM-BRIOCHE-DOUGH', lotPrefix: 'BD' };
export const FILLING: MadeItem = { kind: 'intermediate', key: 'filling', name: 'Cocoa cream filling', uom: 'KGM', code: 'IM-CREAM-FILLING', lotPrefix: 'CF' };

export const FINISHED = {
  butter: { kind: 'finished', key: 'butterCookies', name: 'Butter cookies 200 g', uom: 'EA', gtin: gtin14('0', PLANT_PREFIX, '10011'), lotPrefix: 'BC', packKg: 0.2, caseSize: 12, palletCases: 80 },
  choc: { kind: 'finished', key: 'chocCookies', name: 'Chocolate chip cookies 200 g', uom: 'EA', gtin: gtin14('0', PLANT_PREFIX, '10028'), lotPrefix: 'CC', packKg: 0.2, caseSize: 12, palletCases: 80 },
  sandwich: { kind: 'finished', key: 'sandwich', name: 'Cocoa cream sandwich biscuits 150 g', uom: 'EA', gtin: gtin14('0', PLANT_PREFIX, '10035'), lotPrefix: 'SB', packKg: 0.15, caseSize: 12, palletCases: 90 },
  loaf: { kind: 'finished', key: 'briocheLoaf', name: 'Brioche loaf 400 g', uom: 'EA', gtin: gtin14('0', PLANT_PREFIX, '20010'), lotPrefix: 'BL', packKg: 0.4, caseSize: 8, palletCases: 60 },
  mini: { kind: 'finished', key: 'miniBrioche', name: 'Mini brioches 6 x 35 g', uom: 'EA', gtin: gtin14('0', PLANT_PREFIX, '20027'), lotPrefix: 'MB', packKg: 0.21, caseSize: 10, palletCases: 60 },
} as const satisfies Record<string, FinishedItem>;

/** Distribution centres: take whole pallets. */
export const DC_CUSTOMERS = [
  'FreshMart DC North',
  'FreshMart DC South',
  'Discount Foods DC Lyon',
  'Metro Cash & Carry Lille',
  'Green Basket Organic DC',
  "Bakers' Table Retail DC",
  'Euro Snacks Import (Antwerp)',
] as const;

/** Small customers: take loose cases. */
export const SMALL_CUSTOMERS = [
  'Corner Shop Wholesale',
  'Riviera Hotel Group',
  'West Schools Catering',
  'SnackBox Vending',
  'SkyChef Airline Catering',
  'City Cafés Co-op',
] as const;

export const FOOD_BANK = 'Regional Food Bank';

export const CARRIERS = ['Transports Dupuis', 'Kuehne+Nagel Road', 'DHL Freight', 'Own fleet'] as const;

const STAFF = {
  goodsIn: 'Marc Leroy',
  qa: 'Anne Fischer (QA)',
  dispatch: 'Paul Girard',
  mixing: ['Claire Martin', 'Lukas Schmidt'],
  cookieLines: ['Tomasz Nowak', 'Sara Rossi'],
  briocheLine: ['Inès Haddad', 'João Silva'],
} as const;

/** Working-day indices (0-based, Sundays not counted) of the scripted incidents. */
const SCRIPT = {
  rawHold: 4,
  inspectionFails: [7, 18],
  repack: 11,
  stockCount: 15,
} as const;

function isReworkDay(workDay: number): boolean {
  const r = workDay % 6;
  return workDay > 0 && r >= 2 && r <= 4;
}

// ---------------------------------------------------------------------------------------------
// Simulation state
// ---------------------------------------------------------------------------------------------

interface LotRec {
  readonly item: Item;
  readonly lot: string;
  readonly key: string;
  /** time (seconds from the start) of the receipt / first production */
  readonly firstT: number;
  /** loose on-hand quantity, scaled (tenths for KGM/LTR, units for EA) */
  qty: number;
  /** quantity currently on pallets, scaled */
  inPallets: number;
  /** loose quantity set aside (rework, destruction) that dispatch must not take */
  reserved: number;
  held: boolean;
  /** finished lots: working-run finished on this day index (undefined while running) */
  runEndDay?: number;
  supplier?: string;
  supplierLot?: string;
  readonly parents: Set<string>;
  readonly children: Set<string>;
  readonly customers: Set<string>;
}

interface Part {
  readonly lot: LotRec;
  readonly q: number;
}

interface Pallet {
  readonly sscc: string;
  readonly contents: Part[];
  readonly readyDay: number;
  shippedTo?: string;
  dissolved: boolean;
}

interface Run {
  readonly item: FinishedItem;
  readonly lotCode: string;
  readonly batch: string;
  readonly order: string;
  readonly line: string;
  readonly location: string;
  readonly equipment: string;
  readonly operator: string;
  lot?: LotRec;
}

interface Dough {
  readonly lot: LotRec;
  /** portions (scaled) per consuming line, summing to the dough produced */
  readonly portions: number[];
}

interface Timed {
  readonly t: number;
  readonly seq: number;
  readonly cmd: NativeCommand;
}

function scaleOf(item: Item): number {
  return item.uom === 'EA' ? 1 : 10;
}

function itemId(item: Item): string {
  const id = item.gtin ?? item.code;
  if (id === undefined) throw new Error(`item ${item.key} has neither GTIN nor code`);
  return id;
}

function lotRef(lot: LotRec): Record<string, unknown> {
  return lot.item.gtin !== undefined ? { gtin: lot.item.gtin, lot: lot.lot } : { item: lot.item.code, lot: lot.lot };
}

function lotRefQ(lot: LotRec, q: number): Record<string, unknown> {
  return { ...lotRef(lot), quantity: q / scaleOf(lot.item), uom: lot.item.uom };
}

function demoRef(lot: LotRec): DemoLotRef {
  return { item: itemId(lot.item), lot: lot.lot };
}

/** Sum parts of the same lot (a batch may draw twice on one lot) keeping first-seen order. */
function mergeParts(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    const i = out.findIndex((o) => o.lot === p.lot);
    const prev = out[i];
    if (prev) out[i] = { lot: p.lot, q: prev.q + p.q };
    else out.push(p);
  }
  return out;
}

class DemoSim {
  private readonly rng: Random;
  private readonly startMs: number;
  private readonly events: Timed[] = [];
  private readonly lots = new Map<string, LotRec>();
  private readonly rawFifo = new Map<string, LotRec[]>();
  private readonly finished: LotRec[] = [];
  private readonly pallets: Pallet[] = [];
  private readonly lotSeq = new Map<string, number>();
  private po = 4100;
  private mo = 10_000;
  private so = 70_000;
  private ssccSerial = 261_000_000;

  // the scripted stories, for the highlights
  private repacked?: { from: string; to: Pallet };
  private readonly failedLots: LotRec[] = [];

  // cross-day hand-overs
  private pendingRawRelease: LotRec[] = [];
  private pendingFgRelease: LotRec[] = [];
  private pendingRework?: Part;

  private day = 0;
  private info: DayInfo;
  private workDay = -1;

  constructor(seed: number, startMs: number) {
    this.rng = new Random(seed);
    this.startMs = startMs;
    this.info = dayInfo(startMs, 0);
  }

  // ----- output -------------------------------------------------------------------------------

  private time(t: number): string {
    const d = Math.floor(t / DAY);
    const s = t - d * DAY;
    const iso = d === this.day ? this.info.iso : dayInfo(this.startMs, d).iso;
    return `${iso}T${two(Math.floor(s / HOUR))}:${two(Math.floor((s % HOUR) / MIN))}:${two(s % MIN)}${OFFSET}`;
  }

  private emit(t: number, cmd: string, fields: Record<string, unknown>): void {
    this.events.push({ t, seq: this.events.length, cmd: { cmd, time: this.time(t), ...fields } });
  }

  commands(): NativeCommand[] {
    return [...this.events].sort((a, b) => a.t - b.t || a.seq - b.seq).map((e) => e.cmd);
  }

  // ----- lots ---------------------------------------------------------------------------------

  private newLot(item: Item, lot: string, t: number): LotRec {
    const key = `${itemId(item)}|${lot}`;
    if (this.lots.has(key)) throw new Error(`duplicate lot ${key}`);
    const rec: LotRec = {
      item, lot, key, firstT: t, qty: 0, inPallets: 0, reserved: 0, held: false,
      parents: new Set(), children: new Set(), customers: new Set(),
    };
    this.lots.set(key, rec);
    return rec;
  }

  private nextLotCode(prefix: string): string {
    const k = `${prefix}${this.info.ymd}`;
    const n = (this.lotSeq.get(k) ?? 0) + 1;
    this.lotSeq.set(k, n);
    return `${prefix}${this.info.ymd}-${n}`;
  }

  private link(inputs: readonly Part[], outputs: readonly LotRec[]): void {
    for (const i of inputs) {
      for (const o of outputs) {
        o.parents.add(i.lot.key);
        i.lot.children.add(o.key);
      }
    }
  }

  private nextMo(): string {
    return `MO-2026-${++this.mo}`;
  }

  // ----- goods in -----------------------------------------------------------------------------

  private receive(item: RawItem, t: number, urgent: boolean): LotRec {
    const rng = this.rng;
    const supplierLot = item.supplierLot(rng, this.info);
    const lotCode = item.gtin !== undefined ? supplierLot : this.nextLotCode(`${item.lotPrefix}-`);
    const lot = this.newLot(item, lotCode, t);
    const qty = rng.vary(item.lotSize, item.lotJitter) * scaleOf(item);
    lot.qty = qty;
    lot.supplier = item.supplier;
    lot.supplierLot = supplierLot;
    const fields: Record<string, unknown> = {
      lots: [lotRefQ(lot, qty)],
      from: item.supplier,
      po: `PO-2026-${++this.po}`,
    };
    if (item.gtin === undefined) fields['supplierLot'] = supplierLot;
    fields['location'] = item.receiveAt;
    fields['operator'] = STAFF.goodsIn;
    if (urgent) fields['note'] = 'Urgent delivery: stock ran short';
    this.emit(t, 'receive', fields);
    if (item.chilled) {
      this.emit(t + 2 * MIN, 'inspect', {
        lots: [lotRef(lot)],
        result: 'pass',
        parameters: { temperatureC: rng.int(18, 46) / 10, packagingIntact: 'yes', vehicleTemperatureC: rng.int(15, 40) / 10 },
        location: item.receiveAt,
        operator: STAFF.goodsIn,
        step: 'goods-in check',
      });
    }
    if (item.store !== undefined) {
      this.emit(t + 4 * MIN, 'move', { lots: [lotRef(lot)], to: item.store, operator: STAFF.goodsIn });
    }
    let fifo = this.rawFifo.get(item.key);
    if (!fifo) this.rawFifo.set(item.key, (fifo = []));
    fifo.push(lot);
    return lot;
  }

  private available(item: RawItem): number {
    let sum = 0;
    for (const lot of this.rawFifo.get(item.key) ?? []) if (!lot.held) sum += lot.qty;
    return sum;
  }

  private goodsIn(t0: number): void {
    let t = t0;
    let holdDone = false;
    for (const item of RAW) {
      for (let n = 0; n < 4 && this.available(item) < 2.2 * item.dailyUse * scaleOf(item); n++) {
        const lot = this.receive(item, t, false);
        if (!holdDone && this.workDay === SCRIPT.rawHold && !item.chilled && item.store !== undefined) {
          holdDone = true;
          this.hold(t + 3 * MIN, lot, 'Certificate of analysis missing: quarantined until received');
          this.pendingRawRelease.push(lot);
        }
        t += 4 * MIN + this.rng.int(0, 50);
      }
    }
    if (!holdDone && this.workDay === SCRIPT.rawHold) {
      // no dry delivery was due: an extra sugar delivery is the one quarantined
      const lot = this.receive(rawItem('sugar'), t, false);
      this.hold(t + 3 * MIN, lot, 'Certificate of analysis missing: quarantined until received');
      this.pendingRawRelease.push(lot);
    }
  }

  /** Draw `amount` (scaled) of a raw item FIFO from released lots received before `t`. */
  private takeRaw(item: RawItem, amount: number, t: number): Part[] {
    const parts: Part[] = [];
    let need = amount;
    const fifo = this.rawFifo.get(item.key) ?? [];
    for (const lot of fifo) {
      if (need <= 0) break;
      if (lot.held || lot.firstT >= t || lot.qty <= 0) continue;
      const q = Math.min(lot.qty, need);
      lot.qty -= q;
      need -= q;
      parts.push({ lot, q });
    }
    if (need > 0) {
      const lot = this.receive(item, t - 15 * MIN, true);
      const q = Math.min(need, lot.qty);
      lot.qty -= q;
      parts.push({ lot, q });
    }
    // drop emptied lots from the head of the queue
    while (fifo.length > 0 && fifo[0] !== undefined && fifo[0].qty <= 0 && !fifo[0].held) fifo.shift();
    return parts;
  }

  // ----- holds --------------------------------------------------------------------------------

  private hold(t: number, lot: LotRec, reason: string): void {
    lot.held = true;
    this.emit(t, 'hold', { lots: [lotRef(lot)], reason, operator: STAFF.qa });
  }

  private release(t: number, lot: LotRec, reason: string): void {
    lot.held = false;
    this.emit(t, 'release', { lots: [lotRef(lot)], reason, operator: STAFF.qa });
  }

  // ----- production ---------------------------------------------------------------------------

  /** Draws a recipe's raw materials (oldest lots first); the inputs merged per lot, and their mass in kg. */
  private drawRecipe(recipe: readonly [string, number][], t: number): { inputs: Part[]; kg: number } {
    const parts: Part[] = [];
    let kg = 0;
    for (const [key, nominal] of recipe) {
      const item = rawItem(key);
      const amount = this.rng.vary(nominal * 10, 0.01);
      // milk is in litres: about 1.03 kg each
      kg += item.uom === 'LTR' ? amount * 1.03 : amount;
      parts.push(...this.takeRaw(item, amount, t));
    }
    return { inputs: mergeParts(parts), kg };
  }

  /** One mixing batch as a produce command, from the drawn inputs into the new lot. */
  private emitMix(t: number, shift: number, inputs: readonly Part[], lot: LotRec, equipment: string, parameters: Record<string, number>, note?: string): void {
    this.link(inputs, [lot]);
    this.emit(t, 'produce', {
      inputs: inputs.map((p) => lotRefQ(p.lot, p.q)),
      outputs: [lotRefQ(lot, lot.qty)],
      order: this.nextMo(),
      location: LOC.mixing,
      operator: STAFF.mixing[shift],
      equipment,
      line: 'Mixing',
      step: 'mixing',
      parameters,
      ...(note !== undefined ? { note } : {}),
    });
  }

  private mixFilling(t: number, shift: number): LotRec {
    const { inputs, kg } = this.drawRecipe([['fat', 60], ['sugar', 75], ['cocoa', 20], ['salt', 0.5]], t);
    const lot = this.newLot(FILLING, this.nextLotCode('CF'), t);
    lot.qty = Math.round(kg * 0.995);
    this.emitMix(t, shift, inputs, lot, 'Cream mixer 3', { mixTimeMin: this.rng.int(18, 22), fillingTempC: this.rng.int(265, 295) / 10 });
    return lot;
  }

  private mixCookieDough(t: number, shift: number, rework: Part | undefined): Dough {
    const drawn = this.drawRecipe([['flour55', 260], ['butter', 130], ['sugar', 100], ['egg', 26], ['salt', 2]], t);
    const { inputs } = drawn;
    let { kg } = drawn;
    let note: string | undefined;
    if (rework) {
      const item = rework.lot.item as FinishedItem;
      rework.lot.qty -= rework.q;
      rework.lot.reserved -= rework.q;
      kg += Math.round(rework.q * item.packKg * 10);
      inputs.push(rework);
      note = `Rework: ${rework.q} broken/misprinted packs of ${item.name} lot ${rework.lot.lot} re-milled into the dough`;
    }
    const lot = this.newLot(COOKIE_DOUGH, this.nextLotCode('CD'), t);
    lot.qty = Math.round(kg * 0.997);
    this.emitMix(t, shift, inputs, lot, 'Mixer 1 (horizontal)', { mixTimeMin: this.rng.int(9, 13), doughTempC: this.rng.int(195, 235) / 10 }, note);
    const butter = Math.round(lot.qty * 0.42);
    const choc = Math.round(lot.qty * 0.35);
    return { lot, portions: [butter, choc, lot.qty - butter - choc] };
  }

  private mixBriocheDough(t: number, shift: number): Dough {
    const { inputs, kg } = this.drawRecipe([['flour45', 150], ['butter', 45], ['sugar', 30], ['egg', 40], ['milk', 50], ['yeast', 6], ['salt', 3]], t);
    const lot = this.newLot(BRIOCHE_DOUGH, this.nextLotCode('BD'), t);
    lot.qty = Math.round(kg * 0.995);
    this.emitMix(t, shift, inputs, lot, 'Spiral mixer 2', { mixTimeMin: this.rng.int(12, 16), doughTempC: this.rng.int(230, 260) / 10 });
    return { lot, portions: [lot.qty] };
  }

  private runLot(run: Run, t: number): LotRec {
    if (!run.lot) {
      run.lot = this.newLot(run.item, run.lotCode, t);
      this.finished.push(run.lot);
    }
    return run.lot;
  }

  /** One production event of a continuous line run. */
  private lineEvent(t: number, runs: readonly Run[], inputs: Part[], kgPerRun: readonly number[], step: string, parameters: Record<string, number | string>, yieldFactor: number): void {
    const first = runs[0];
    if (!first) throw new Error('no run');
    for (const p of inputs) p.lot.qty -= p.lot.item.kind === 'raw' ? 0 : p.q; // raw parts are already taken
    const outputs: Part[] = runs.map((run, i) => {
      const lot = this.runLot(run, t);
      const ea = Math.floor(((kgPerRun[i] ?? 0) / 10) * yieldFactor / run.item.packKg);
      lot.qty += ea;
      return { lot, q: ea };
    });
    const merged = mergeParts(inputs);
    this.link(merged, outputs.map((o) => o.lot));
    this.emit(t, 'produce', {
      inputs: merged.map((p) => lotRefQ(p.lot, p.q)),
      outputs: outputs.map((o) => lotRefQ(o.lot, o.q)),
      batch: first.batch,
      order: first.order,
      location: first.location,
      operator: first.operator,
      equipment: first.equipment,
      line: first.line,
      step,
      parameters,
    });
  }

  private film(t: number): Part[] {
    return this.takeRaw(rawItem('film'), this.rng.int(12, 18), t);
  }

  // ----- end of run: release inspection, pallets ---------------------------------------------

  private finishRun(run: Run, t: number, shift: number): void {
    const lot = run.lot;
    if (!lot) return;
    const rng = this.rng;
    const item = run.item;
    lot.runEndDay = this.day;
    const fail = shift === 1 && item === FINISHED.choc && (SCRIPT.inspectionFails as readonly number[]).includes(this.workDay);
    const target = item.packKg * 1000;
    const weight = fail ? target - rng.int(55, 80) / 10 : target + rng.int(15, 60) / 10;
    const parameters: Record<string, number | string> = {
      avgPackWeightG: Math.round(weight * 10) / 10,
      sampleSize: 30,
      metalDetectorTest: 'pass',
    };
    if (item.key === FINISHED.loaf.key || item.key === FINISHED.mini.key) parameters['coreTempAfterBakeC'] = rng.int(940, 980) / 10;
    else parameters['moisturePct'] = rng.int(22, 38) / 10;
    this.emit(t, 'inspect', {
      lots: [lotRef(lot)],
      result: fail ? 'fail' : 'pass',
      parameters,
      location: LOC.qaLab,
      operator: STAFF.qa,
      step: 'line release',
      ...(fail ? { note: 'Average pack weight below the T1 limit: check-weigher drift suspected' } : {}),
    });
    if (fail) {
      this.hold(t + 2 * MIN, lot, 'Failed line-release check: average pack weight below T1');
      lot.reserved += 8 * item.caseSize;
      this.pendingFgRelease.push(lot);
      this.failedLots.push(lot);
    }
    if (item === FINISHED.butter && shift === 0 && isReworkDay(this.workDay + 1)) {
      const q = rng.int(15, 25) * item.caseSize;
      if (lot.qty - lot.reserved >= q) {
        lot.reserved += q;
        this.pendingRework = { lot, q };
      }
    }
    const cap = item.caseSize * item.palletCases;
    const n = Math.floor((lot.qty - lot.reserved) / cap);
    for (let i = 0; i < n; i++) this.pack(t + 10 * MIN + i * 3 * MIN, [{ lot, q: cap }], LOC.palletiser, this.day + 1);
  }

  private pack(t: number, contents: Part[], location: string, readyDay: number): Pallet {
    const pallet: Pallet = { sscc: sscc18(++this.ssccSerial), contents, readyDay, dissolved: false };
    for (const p of contents) {
      p.lot.qty -= p.q;
      p.lot.inPallets += p.q;
    }
    this.pallets.push(pallet);
    this.emit(t, 'pack', {
      sscc: pallet.sscc,
      contents: contents.map((p) => lotRefQ(p.lot, p.q)),
      location,
      operator: STAFF.dispatch,
    });
    return pallet;
  }

  // ----- dispatch -----------------------------------------------------------------------------

  private readyPallets(): Pallet[] {
    return this.pallets.filter((p) => !p.dissolved && p.shippedTo === undefined && p.readyDay <= this.day && p.contents.every((c) => !c.lot.held));
  }

  private looseAvailable(lot: LotRec): number {
    return lot.qty - lot.reserved;
  }

  private readyLoose(minQty: number): LotRec[] {
    return this.finished.filter((l) => l.runEndDay !== undefined && l.runEndDay < this.day && !l.held && this.looseAvailable(l) >= Math.max(minQty, 1));
  }

  /** A loose order line: some cases from one of the oldest loose lots. */
  private looseLine(exclude: ReadonlySet<LotRec>): Part | undefined {
    const candidates = this.readyLoose(0)
      .filter((l) => !exclude.has(l) && this.looseAvailable(l) >= (l.item as FinishedItem).caseSize)
      .slice(0, 6);
    if (candidates.length === 0) return undefined;
    const lot = this.rng.pick(candidates);
    const caseSize = (lot.item as FinishedItem).caseSize;
    const cases = Math.min(this.rng.int(4, 36), Math.floor(this.looseAvailable(lot) / caseSize));
    return { lot, q: cases * caseSize };
  }

  private ship(t: number, to: string, order: string, pallets: readonly Pallet[], loose: readonly Part[]): void {
    const fields: Record<string, unknown> = {};
    if (loose.length > 0) fields['lots'] = loose.map((p) => lotRefQ(p.lot, p.q));
    if (pallets.length > 0) fields['units'] = pallets.map((p) => ({ sscc: p.sscc }));
    fields['to'] = to;
    fields['order'] = order;
    fields['carrier'] = to === FOOD_BANK ? 'Own fleet' : this.rng.pick(CARRIERS);
    fields['location'] = LOC.dispatch;
    fields['operator'] = STAFF.dispatch;
    for (const p of loose) {
      p.lot.qty -= p.q;
      p.lot.customers.add(to);
    }
    for (const pallet of pallets) {
      pallet.shippedTo = to;
      for (const c of pallet.contents) {
        c.lot.inPallets -= c.q;
        c.lot.customers.add(to);
      }
    }
    this.emit(t, 'ship', fields);
  }

  private dispatch(t0: number): void {
    const rng = this.rng;
    const ready = this.readyPallets();
    const dcs = rng.shuffle(DC_CUSTOMERS).slice(0, rng.int(4, 6));
    const buckets: Pallet[][] = dcs.map(() => []);
    for (const pallet of ready) buckets[rng.int(0, dcs.length - 1)]?.push(pallet);
    let t = t0;
    dcs.forEach((dc, i) => {
      const pallets = buckets[i] ?? [];
      const loose: Part[] = [];
      if (rng.chance(0.35)) {
        const line = this.looseLine(new Set());
        if (line) loose.push(line);
      }
      if (pallets.length === 0 && loose.length === 0) return;
      this.ship(t, dc, `SO-2026-${++this.so}`, pallets, loose);
      t += 9 * MIN + rng.int(0, 180);
    });
    for (const customer of rng.shuffle(SMALL_CUSTOMERS).slice(0, rng.int(3, 5))) {
      const loose: Part[] = [];
      const used = new Set<LotRec>();
      const lines = rng.int(1, 3);
      for (let i = 0; i < lines; i++) {
        const line = this.looseLine(used);
        if (!line) break;
        used.add(line.lot);
        loose.push(line);
      }
      if (loose.length === 0) continue;
      this.ship(t, customer, `SO-2026-${++this.so}`, [], loose);
      t += 9 * MIN + rng.int(0, 180);
    }
  }

  private donate(t: number): void {
    const lots = this.readyLoose(1).filter((l) => l.runEndDay !== undefined && l.runEndDay <= this.day - 4);
    if (lots.length === 0) return;
    const loose = lots.map((lot) => ({ lot, q: this.looseAvailable(lot) }));
    this.ship(t, FOOD_BANK, `DON-2026-${this.info.ymd}`, [], loose);
  }

  private repack(t: number): void {
    const pallet = this.readyPallets()[0];
    if (!pallet) return;
    const first = pallet.contents[0];
    if (!first) return;
    const item = first.lot.item as FinishedItem;
    pallet.dissolved = true;
    for (const c of pallet.contents) {
      c.lot.inPallets -= c.q;
      c.lot.qty += c.q;
    }
    this.emit(t, 'unpack', { sscc: pallet.sscc, location: LOC.dispatch, operator: STAFF.dispatch, note: 'Stretch wrap torn and one case crushed by a forklift: pallet broken down' });
    const crushed = item.caseSize;
    first.lot.qty -= crushed;
    this.emit(t + 5 * MIN, 'destroy', { lots: [lotRefQ(first.lot, crushed)], reason: 'Case crushed by forklift at dispatch', location: LOC.dispatch, operator: STAFF.dispatch });
    const contents = pallet.contents.map((c, i) => ({ lot: c.lot, q: i === 0 ? c.q - crushed : c.q })).filter((c) => c.q > 0);
    const fresh = this.pack(t + 10 * MIN, contents, LOC.dispatch, this.day);
    this.repacked = { from: pallet.sscc, to: fresh };
  }

  // ----- adjustments ---------------------------------------------------------------------------

  private siloCheck(t: number): void {
    const lot = (this.rawFifo.get('flour55') ?? []).find((l) => l.qty > 0 && !l.held);
    if (!lot) return;
    let delta = this.rng.int(-800, 500);
    if (delta === 0) delta = -150;
    if (-delta > lot.qty) delta = -Math.floor(lot.qty / 2);
    if (delta === 0) return;
    lot.qty += delta;
    this.emit(t, 'adjust', { lot: lotRef(lot), quantity: delta / 10, uom: 'KGM', reason: 'Weekly silo level check (load cells)', location: LOC.silo1, operator: STAFF.goodsIn });
  }

  private stockCount(t: number): void {
    const lot = this.readyLoose(0).find((l) => this.looseAvailable(l) >= 2 * (l.item as FinishedItem).caseSize);
    if (!lot) return;
    const q = (lot.item as FinishedItem).caseSize;
    lot.qty -= q;
    this.emit(t, 'adjust', { lot: lotRef(lot), quantity: -q, uom: 'EA', reason: 'Stock count: one case short in the finished goods warehouse', location: LOC.warehouse, operator: STAFF.dispatch });
  }

  // ----- one day ----------------------------------------------------------------------------------

  runDay(d: number): void {
    this.day = d;
    this.info = dayInfo(this.startMs, d);
    if (this.info.weekday === 0) return; // Sunday: the plant is idle
    this.workDay++;
    const rng = this.rng;
    const base = d * DAY;
    const tasks: { t: number; seq: number; run: (t: number) => void }[] = [];
    const at = (h: number, m: number, run: (t: number) => void): void => {
      tasks.push({ t: base + h * HOUR + m * MIN + rng.int(0, 40), seq: tasks.length, run });
    };

    at(5, 0, (t) => this.goodsIn(t));

    const rawRelease = this.pendingRawRelease;
    this.pendingRawRelease = [];
    for (const lot of rawRelease) at(6, 35, (t) => this.release(t, lot, 'Certificate of analysis received: conforms to specification'));

    const fgRelease = this.pendingFgRelease;
    this.pendingFgRelease = [];
    for (const lot of fgRelease) {
      at(6, 40, (t) => {
        const item = lot.item as FinishedItem;
        const bad = 8 * item.caseSize;
        this.emit(t, 'inspect', {
          lots: [lotRef(lot)],
          result: 'pass',
          parameters: { avgPackWeightG: Math.round((item.packKg * 1000 + rng.int(10, 40) / 10) * 10) / 10, packsCheckWeighed: lot.qty + lot.inPallets, packsRejected: bad, metalDetectorTest: 'pass' },
          location: LOC.qaLab,
          operator: STAFF.qa,
          step: '100% check-weigh',
        });
        lot.reserved -= bad;
        lot.qty -= bad;
        this.emit(t + 5 * MIN, 'destroy', { lots: [lotRefQ(lot, bad)], reason: 'Underweight packs rejected at 100% check-weigh', location: LOC.warehouse, operator: STAFF.qa });
        this.release(t + 10 * MIN, lot, `Re-inspected: ${bad} underweight packs destroyed, remainder conforms`);
      });
    }

    if (this.workDay === SCRIPT.repack) at(7, 5, (t) => this.repack(t));
    at(7, 30, (t) => this.dispatch(t));
    if (this.workDay === SCRIPT.stockCount) at(16, 0, (t) => this.stockCount(t));
    if (this.info.weekday === 6) {
      at(15, 0, (t) => this.donate(t));
      at(21, 50, (t) => this.siloCheck(t));
    }

    for (const shift of [0, 1]) this.scheduleShift(at, shift);

    tasks.sort((a, b) => a.t - b.t || a.seq - b.seq);
    for (const task of tasks) task.run(task.t);
  }

  private scheduleShift(at: (h: number, m: number, run: (t: number) => void) => void, shift: number): void {
    const rng = this.rng;
    const h0 = 6 + 8 * shift;
    const s = shift === 0 ? 'A' : 'B';
    const ymd = this.info.ymd;
    const mkRun = (item: FinishedItem, line: string, location: string, equipment: string, operator: string, batch: string, order: string): Run => ({
      item, lotCode: `${item.lotPrefix}-${ymd}-${s}`, batch, order, line, location, equipment, operator,
    });
    const cookieOp = STAFF.cookieLines[shift] ?? STAFF.cookieLines[0];
    const briocheOp = STAFF.briocheLine[shift] ?? STAFF.briocheLine[0];
    const butter = mkRun(FINISHED.butter, 'Line 1', LOC.line1, 'Rotary moulder 1 / Tunnel oven 1', cookieOp, `B-L1-${ymd}-${s}`, this.nextMo());
    const choc = mkRun(FINISHED.choc, 'Line 2', LOC.line2, 'Wire-cut depositor 2 / Tunnel oven 2', cookieOp, `B-L2-${ymd}-${s}`, this.nextMo());
    const sandwich = mkRun(FINISHED.sandwich, 'Line 3', LOC.line3, 'Sandwiching machine 3', cookieOp, `B-L3-${ymd}-${s}`, this.nextMo());
    const briocheOrder = this.nextMo();
    const loaf = mkRun(FINISHED.loaf, 'Line 4', LOC.line4, 'Divider-rounder 4 / Proofer 4 / Rack oven 4', briocheOp, `B-L4-${ymd}-${s}`, briocheOrder);
    const mini = mkRun(FINISHED.mini, 'Line 4', LOC.line4, 'Divider-rounder 4 / Proofer 4 / Rack oven 4', briocheOp, `B-L4-${ymd}-${s}`, briocheOrder);

    let filling: LotRec | undefined;
    at(h0 - 1, 45, (t) => {
      filling = this.mixFilling(t, shift);
    });

    for (let k = 0; k < 3; k++) {
      let dough: Dough | undefined;
      const start = 15 + 150 * k;
      at(h0, start, (t) => {
        let rework: Part | undefined;
        if (shift === 0 && k === 0 && isReworkDay(this.workDay) && this.pendingRework) {
          rework = this.pendingRework;
          this.pendingRework = undefined;
        }
        dough = this.mixCookieDough(t, shift, rework);
      });
      at(h0, start + 95, (t) => {
        if (!dough) return;
        const portion = dough.portions[0] ?? 0;
        const inputs = [{ lot: dough.lot, q: portion }, ...this.film(t)];
        this.lineEvent(t, [butter], inputs, [portion], 'baking', { ovenTempC: rng.int(180, 190), bakeTimeMin: rng.int(10, 12) }, 0.9);
      });
      at(h0, start + 100, (t) => {
        if (!dough) return;
        const portion = dough.portions[1] ?? 0;
        const chips = this.takeRaw(rawItem('chips'), rng.vary(360, 0.02), t);
        const chipsKg = chips.reduce((a, p) => a + p.q, 0);
        const inputs = [{ lot: dough.lot, q: portion }, ...chips, ...this.film(t)];
        this.lineEvent(t, [choc], inputs, [portion + chipsKg], 'baking', { ovenTempC: rng.int(175, 185), bakeTimeMin: rng.int(11, 13) }, 0.9);
      });
      at(h0, start + 105, (t) => {
        if (!dough || !filling) return;
        const portion = dough.portions[2] ?? 0;
        const want = rng.vary(500, 0.02);
        const fill = Math.min(want, filling.qty);
        const inputs: Part[] = [{ lot: dough.lot, q: portion }];
        if (fill > 0) inputs.push({ lot: filling, q: fill });
        inputs.push(...this.film(t));
        this.lineEvent(t, [sandwich], inputs, [portion + fill], 'sandwiching', { ovenTempC: rng.int(180, 190), creamDepositG: rng.int(95, 105) / 10 }, 0.9);
      });
    }

    for (let k = 0; k < 3; k++) {
      let dough: Dough | undefined;
      const start = 30 + 150 * k;
      at(h0, start, (t) => {
        dough = this.mixBriocheDough(t, shift);
      });
      at(h0, start + 150, (t) => {
        if (!dough) return;
        const all = dough.lot.qty;
        const loafKg = Math.round(all * 0.55);
        const inputs = [{ lot: dough.lot, q: all }, ...this.takeRaw(rawItem('film'), rng.int(18, 24), t)];
        this.lineEvent(t, [loaf, mini], inputs, [loafKg, all - loafKg], 'dividing-proofing-baking', { proofTimeMin: rng.int(80, 100), ovenTempC: rng.int(165, 175), bakeTimeMin: rng.int(20, 24) }, 0.88);
      });
    }

    at(h0 + 7, 10, (t) => {
      this.finishRun(butter, t, shift);
      this.finishRun(choc, t + 3 * MIN, shift);
      this.finishRun(sandwich, t + 6 * MIN, shift);
    });
    at(h0 + 7, 40, (t) => {
      if (!filling || filling.qty <= 0) return;
      const left = filling.qty;
      filling.qty = 0;
      this.emit(t, 'destroy', { lots: [lotRefQ(filling, left)], reason: 'End-of-shift filling waste (8 h shelf life)', location: LOC.line3, operator: cookieOp });
    });
    at(h0 + 8, 10, (t) => {
      this.finishRun(loaf, t, shift);
      this.finishRun(mini, t + 3 * MIN, shift);
    });
  }

  // ----- highlights -------------------------------------------------------------------------------

  private reachForward(start: LotRec): LotRec[] {
    const seen = new Set<string>([start.key]);
    const queue = [start];
    const out: LotRec[] = [];
    for (let i = 0; i < queue.length; i++) {
      const lot = queue[i] as LotRec;
      for (const key of lot.children) {
        if (seen.has(key)) continue;
        seen.add(key);
        const child = this.lots.get(key);
        if (!child) continue;
        queue.push(child);
        out.push(child);
      }
    }
    return out;
  }

  /** Ancestors with their (shortest) depth. */
  private ancestry(start: LotRec): Map<LotRec, number> {
    const depth = new Map<LotRec, number>([[start, 0]]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const lot = queue[i] as LotRec;
      const d = depth.get(lot) ?? 0;
      for (const key of lot.parents) {
        const parent = this.lots.get(key);
        if (!parent || depth.has(parent)) continue;
        depth.set(parent, d + 1);
        queue.push(parent);
      }
    }
    depth.delete(start);
    return depth;
  }

  private shippedPallet(lot: LotRec): Pallet | undefined {
    return this.pallets.find((p) => p.shippedTo !== undefined && p.contents.some((c) => c.lot === lot));
  }

  private customersOf(lots: readonly LotRec[]): Set<string> {
    const out = new Set<string>();
    for (const lot of lots) for (const c of lot.customers) out.add(c);
    return out;
  }

  highlights(): DemoHighlight[] {
    const out: DemoHighlight[] = [];
    const withPallet = (lot: LotRec): boolean => this.shippedPallet(lot) !== undefined;

    // 1. Supplier warns of a bad lot: the liquid-egg lot that reached the most finished lots.
    let best: { raw: LotRec; reached: LotRec[] } | undefined;
    for (const raw of this.lots.values()) {
      if (raw.item.key !== 'egg') continue;
      const reached = this.reachForward(raw).filter((l) => l.item.kind === 'finished');
      if (!reached.some(withPallet)) continue;
      if (!best || reached.length > best.reached.length) best = { raw, reached };
    }
    if (best) {
      const fin = [...best.reached].filter(withPallet).sort((a, b) => b.customers.size - a.customers.size)[0];
      const pallet = fin ? this.shippedPallet(fin) : undefined;
      if (fin && pallet?.shippedTo !== undefined) {
        const customers = this.customersOf(best.reached);
        const batches = best.raw.children.size;
        out.push({
          rawLot: demoRef(best.raw),
          finishedLot: demoRef(fin),
          sscc: pallet.sscc,
          customer: pallet.shippedTo,
          description:
            `Supplier alert: ${best.raw.supplier ?? 'the supplier'} warns of possible Salmonella in liquid egg lot ${best.raw.lot}` +
            ` (their lot ${best.raw.supplierLot ?? '?'}). It went into ${batches} dough batches and, through them and rework,` +
            ` into ${best.reached.length} finished lots shipped to ${customers.size} customers, e.g. ${fin.item.name} lot ${fin.lot} on pallet ${pallet.sscc} to ${pallet.shippedTo}.` +
            ' Trace it forward for the recall scope.',
        });
      }
    }

    // 2. Customer complaint: the shipped finished lot with the deepest ancestry (rework chains).
    let deep: { lot: LotRec; depth: number; raw: LotRec } | undefined;
    for (const lot of this.finished) {
      if (!withPallet(lot)) continue;
      let depth = 0;
      let raw: LotRec | undefined;
      for (const [a, d] of this.ancestry(lot)) {
        if (a.item.kind === 'raw' && (d > depth || (d === depth && a.item.key === 'flour55'))) {
          depth = d;
          raw = a;
        }
      }
      if (raw && (!deep || depth > deep.depth)) deep = { lot, depth, raw };
    }
    if (deep) {
      const pallet = this.shippedPallet(deep.lot);
      if (pallet?.shippedTo !== undefined) {
        out.push({
          rawLot: demoRef(deep.raw),
          finishedLot: demoRef(deep.lot),
          sscc: pallet.sscc,
          customer: pallet.shippedTo,
          description:
            `Customer complaint: ${pallet.shippedTo} reports a foreign body in ${deep.lot.item.name} lot ${deep.lot.lot} (pallet ${pallet.sscc}).` +
            ` Because of rework its ancestry is ${deep.depth} levels deep, back to ${deep.raw.item.name} lot ${deep.raw.lot} from ${deep.raw.supplier ?? 'a supplier'}.` +
            ' Trace it backward to every raw lot and supplier.',
        });
      }
    }

    // 3. A pallet: the one unpacked at dispatch and repacked under a new SSCC.
    const rp = this.repacked;
    const rpFirst = rp?.to.contents[0];
    if (rp && rpFirst && rp.to.shippedTo !== undefined) {
      const raw = [...this.ancestry(rpFirst.lot).keys()].find((a) => a.item.key === 'butter') ?? [...this.ancestry(rpFirst.lot).keys()].find((a) => a.item.kind === 'raw');
      if (raw) {
        out.push({
          rawLot: demoRef(raw),
          finishedLot: demoRef(rpFirst.lot),
          sscc: rp.to.sscc,
          customer: rp.to.shippedTo,
          description:
            `Pallet ${rp.from} (${rpFirst.lot.item.name} lot ${rpFirst.lot.lot}) was damaged at dispatch: unpacked, one crushed case destroyed,` +
            ` and repacked as ${rp.to.sscc}, which went to ${rp.to.shippedTo}. Look up either SSCC to see what it held and when.`,
        });
      }
    }

    // 4. A customer: who received a lot that had failed its line-release check (held, sorted, released).
    for (const lot of this.failedLots) {
      const pallet = this.shippedPallet(lot);
      const raw = [...this.ancestry(lot).keys()].find((a) => a.item.key === 'chips');
      if (!pallet || pallet.shippedTo === undefined || !raw) continue;
      out.push({
        rawLot: demoRef(raw),
        finishedLot: demoRef(lot),
        sscc: pallet.sscc,
        customer: pallet.shippedTo,
        description:
          `Quality hold: ${lot.item.name} lot ${lot.lot} failed its line-release check (underweight), was held, 100% check-weighed,` +
          ` the underweight packs destroyed and the rest released; ${pallet.shippedTo} received it on pallet ${pallet.sscc}.` +
          ` Trace it backward to its ingredients, or look at the lot for its hold history.`,
      });
      break;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/** Generate the demo plant: native commands in time order, plus highlights for a newcomer. */
export function generateDemoPlant(options: DemoOptions = {}): DemoPlant {
  const seed = options.seed ?? 1;
  const days = options.days ?? 30;
  const startDate = options.startDate ?? '2026-10-01';
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number: ${seed}`);
  if (!Number.isInteger(days) || days < 0 || days > 3660) throw new RangeError(`days must be an integer in 0..3660: ${days}`);
  const sim = new DemoSim(seed, parseStartDate(startDate));
  for (let d = 0; d < days; d++) sim.runDay(d);
  return { commands: sim.commands(), highlights: sim.highlights() };
}
