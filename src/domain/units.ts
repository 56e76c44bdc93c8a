
/**
 * Units of measure: UN/CEFACT Recommendation 20 codes, as EPCIS quantity elements carry them.
 * Units of one dimension convert exactly (factors are kept as integer ratios, so 1500 g is
 * 1.5 kg, not 1.5000000000000002); across dimensions there is no conversion without item master
 * data, and the functions say so with null rather than guessing.
 */

/** The EPCIS 2.0 JSON schema's pattern for `uom` (definitions.uom). */
export const UOM_PATTERN = /^[A-Z0-9]{2,3}$/;

/** What a quantity measures. Packaging units (case, box, pack) hold a varying count, so each is its own dimension. */
export const DIMENSIONS = ['mass', 'volume', 'count', 'length', 'area', 'packaging'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A known unit: its dimension, the base unit of that dimension and how many base units one of it is. */
export interface UnitInfo {
  readonly code: string;
  readonly name: string;
  readonly dimension: Dimension;
  /** The unit quantities of this dimension are converted to (KGM, LTR, EA, MTR, MTK; a packaging unit is its own base). */
  readonly base: string;
  /** Base units in one of this unit (GRM: 0.001). Informative: conversions use the exact ratio. */
  readonly factor: number;
}

/** The unit a missing `uom` stands for: EPCIS counts instances when no uom is given. */
export const COUNT_UNIT = 'EA';

const BASES: Readonly<Record<Exclude<Dimension, 'packaging'>, string>> = {
  mass: 'KGM',
  volume: 'LTR',
  count: COUNT_UNIT,
  length: 'MTR',
  area: 'MTK',
};

interface Entry {
  readonly name: string;
  readonly dimension: Dimension;
  /** Base units per unit, as the exact ratio num/den. */
  readonly num: bigint;
  readonly den: bigint;
}

function e(name: string, dimension: Dimension, num: bigint, den = 1n): Entry {
  return { name, dimension, num, den };
}

/** Exact factors from the definitions (1 lb = 0.453 592 37 kg, 1 US gal = 3.785 411 784 l, 1 UK gal = 4.546 09 l, 1 in = 0.0254 m). */
const UNITS: Readonly<Record<string, Entry>> = {
  // mass, base kilogram
  KGM: e('kilogram', 'mass', 1n),
  GRM: e('gram', 'mass', 1n, 1_000n),
  MGM: e('milligram', 'mass', 1n, 1_000_000n),
  TNE: e('tonne (metric ton)', 'mass', 1_000n),
  LBR: e('pound', 'mass', 45_359_237n, 100_000_000n),
  ONZ: e('ounce (avoirdupois)', 'mass', 45_359_237n, 1_600_000_000n),
  STN: e('short ton (US)', 'mass', 90_718_474n, 100_000n),
  LTN: e('long ton (UK)', 'mass', 10_160_469_088n, 10_000_000n),
  // volume, base litre
  LTR: e('litre', 'volume', 1n),
  MLT: e('millilitre', 'volume', 1n, 1_000n),
  CLT: e('centilitre', 'volume', 1n, 100n),
  DLT: e('decilitre', 'volume', 1n, 10n),
  HLT: e('hectolitre', 'volume', 100n),
  MTQ: e('cubic metre', 'volume', 1_000n),
  DMQ: e('cubic decimetre', 'volume', 1n),
  CMQ: e('cubic centimetre', 'volume', 1n, 1_000n),
  GLL: e('gallon (US)', 'volume', 3_785_411_784n, 1_000_000_000n),
  GLI: e('gallon (UK)', 'volume', 454_609n, 100_000n),
  QTL: e('liquid quart (US)', 'volume', 946_352_946n, 1_000_000_000n),
  QTI: e('quart (UK)', 'volume', 11_365_225n, 10_000_000n),
  PTL: e('liquid pint (US)', 'volume', 473_176_473n, 1_000_000_000n),
  PTI: e('pint (UK)', 'volume', 56_826_125n, 100_000_000n),
  OZA: e('fluid ounce (US)', 'volume', 295_735_295_625n, 10_000_000_000_000n),
  OZI: e('fluid ounce (UK)', 'volume', 284_130_625n, 10_000_000_000n),
  // count, base "each". EA is Rec 20's "each" (an informative, level 3 code, dropped from some
  // revisions' normative list); H87 "piece" and C62 "one" are what newer Rec 20 users send.
  EA: e('each', 'count', 1n),
  H87: e('piece', 'count', 1n),
  C62: e('one', 'count', 1n),
  NAR: e('number of articles', 'count', 1n),
  PR: e('pair', 'count', 2n),
  DZN: e('dozen', 'count', 12n),
  // length, base metre
  MTR: e('metre', 'length', 1n),
  KMT: e('kilometre', 'length', 1_000n),
  DMT: e('decimetre', 'length', 1n, 10n),
  CMT: e('centimetre', 'length', 1n, 100n),
  MMT: e('millimetre', 'length', 1n, 1_000n),
  INH: e('inch', 'length', 254n, 10_000n),
  FOT: e('foot', 'length', 3_048n, 10_000n),
  YRD: e('yard', 'length', 9_144n, 10_000n),
  // area, base square metre
  MTK: e('square metre', 'area', 1n),
  DMK: e('square decimetre', 'area', 1n, 100n),
  CMK: e('square centimetre', 'area', 1n, 10_000n),
  MMK: e('square millimetre', 'area', 1n, 1_000_000n),
  HAR: e('hectare', 'area', 10_000n),
  FTK: e('square foot', 'area', 9_290_304n, 100_000_000n),
  INK: e('square inch', 'area', 64_516n, 100_000_000n),
  // packaging: how many units a case holds is item master data, so these never convert.
  // CS/BX/PK are the old Rec 20 packaging codes; XCS/XBX/XPK/XCT/XPX the Rec 21-derived ones.
  CS: e('case', 'packaging', 1n),
  BX: e('box', 'packaging', 1n),
  PK: e('pack', 'packaging', 1n),
  XCS: e('case', 'packaging', 1n),
  XBX: e('box', 'packaging', 1n),
  XPK: e('package', 'packaging', 1n),
  XCT: e('carton', 'packaging', 1n),
  XPX: e('pallet', 'packaging', 1n),
};

/** The codes {@link unitInfo} knows, for documentation and pickers. */
export const KNOWN_UNITS: readonly string[] = Object.keys(UNITS);

function codeOf(code: string | null | undefined): string {
  return code ?? COUNT_UNIT;
}

function entry(code: string): Entry | undefined {
  return Object.hasOwn(UNITS, code) ? UNITS[code] : undefined;
}

function baseOf(code: string, en: Entry): string {
  return en.dimension === 'packaging' ? code : BASES[en.dimension];
}

/** What Lotline knows about a unit code, or undefined for a code outside its table. A missing uom is EA. */
export function unitInfo(code: string | null | undefined): UnitInfo | undefined {
  const c = codeOf(code);
  const en = entry(c);
  if (en === undefined) return undefined;
  return { code: c, name: en.name, dimension: en.dimension, base: baseOf(c, en), factor: Number(en.num) / Number(en.den) };
}

/** The base unit quantities in `code` convert to; an unknown code is its own base (it adds up only with itself). */
export function baseUnit(code: string | null | undefined): string {
  const c = codeOf(code);
  const en = entry(c);
  return en === undefined ? c : baseOf(c, en);
}

/** True when quantities in `a` and `b` can be added after conversion (same dimension; a packaging or unknown unit only with itself). */
export function sameDimension(a: string | null | undefined, b: string | null | undefined): boolean {
  return baseUnit(a) === baseUnit(b);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Reduced from→to ratios, computed once per pair: conversion sits on the share computation's path. */
const ratios = new Map<string, readonly [number, number]>();

function ratio(from: string, to: string, f: Entry, t: Entry): readonly [number, number] {
  const key = `${from}>${to}`;
  let r = ratios.get(key);
  if (r === undefined) {
    const num = f.num * t.den;
    const den = f.den * t.num;
    const g = gcd(num, den);
    r = [Number(num / g), Number(den / g)];
    ratios.set(key, r);
  }
  return r;
}

/**
 * `q` in unit `from` expressed in unit `to`, or null when they are of different dimensions or
 * either is unknown (and they differ). A missing uom is EA.
 */
export function convertQuantity(q: number, from: string | null | undefined, to: string | null | undefined): number | null {
  const f = codeOf(from);
  const t = codeOf(to);
  if (f === t) return q;
  const fe = entry(f);
  const te = entry(t);
  if (fe === undefined || te === undefined || baseOf(f, fe) !== baseOf(t, te)) return null;
  const [num, den] = ratio(f, t, fe, te);
  // Multiplying by the integer numerator before dividing keeps decimal conversions exact (1500 g → 1.5 kg).
  return (q * num) / den;
}
