/**
 * Generator parameters and the named plant sizes. The proportions come from DESIGN.md §5
 * ("a mid-size food plant-year is about 200k lots and 0.8M edges: 80 finished batches a day,
 * 6.5 inputs per batch, ~8 shipments per finished lot, chains 5 deep, 7–13 with rework");
 * BENCHMARKS.md gives, for each parameter, where its value comes from.
 */

export interface PlantParams {
  /** Same seed, same parameters → the same bytes. */
  readonly seed: number;
  /** Independent production sites; they share suppliers and raw items (lots never cross plants). */
  readonly plants: number;
  readonly suppliers: number;
  /** Raw items bought from suppliers; each is delivered every 1–30 days (see `rawEveryDays`). */
  readonly rawItems: number;
  /** Intermediate items per plant (doughs, fillings, blends), spread over `stages` stages. */
  readonly intermediateItems: number;
  /** Finished items per plant (GS1 trade items with a GTIN). */
  readonly finishedItems: number;
  readonly customers: number;
  readonly days: number;
  /** Finished batches per plant and day. */
  readonly batchesPerDay: number;
  /** Intermediate batches per stage and day, as a fraction of `batchesPerDay`. */
  readonly intermediateBatchRatio: number;
  /** Intermediate stages: a chain is `stages + 2` lots deep (raw → stages × intermediate → finished). */
  readonly stages: number;
  /** Mean inputs (lots consumed) per batch: the fan-in. */
  readonly inputsPerBatch: number;
  /** Mean outputs (lots produced) per batch: splits. */
  readonly outputsPerBatch: number;
  /** Mean number of shipments that each finished lot is spread over: the fan-out. */
  readonly shipmentsPerLot: number;
  readonly palletsPerShipment: number;
  /** Delivery intervals of raw items, in days, drawn uniformly per item (long intervals make long-lived lots). */
  readonly rawEveryDays: readonly number[];
  /** Lots per delivery of a raw item. */
  readonly lotsPerDelivery: number;
  /** Share of batches that take back one earlier lot (finished or last-stage) as rework. */
  readonly reworkRate: number;
  /** Share of batches written as a continuous run: several events sharing one transformationID. */
  readonly continuousRate: number;
  /** Share of events sent 1–3 days late (recorded after later events). */
  readonly lateRate: number;
  /** Share of batches recorded wrongly, then declared erroneous (EPCIS errorDeclaration) and corrected. */
  readonly errorRate: number;
  /** Share of raw receipts inspected, and of those, the share put on hold and released the next day. */
  readonly inspectRate: number;
  readonly holdRate: number;
  /** First production day (UTC date); events carry the +01:00 offset of the plant. */
  readonly startDate: string;
  /**
   * Raw items kept in bulk (a salt or sugar silo, an oil tank): `items` raw items, spread evenly
   * over the list, are delivered as one load of `kg` (80–100 % of it) every `everyDays` days
   * (one interval per item, in turn), and a batch takes 2–30 kg of them. Such lots stay in use
   * for months and are the widest lots of a plant. Absent: no bulk items.
   */
  readonly bulk?: { readonly items: number; readonly everyDays: readonly number[]; readonly kg: number };
}

const PLANT_YEAR: PlantParams = {
  seed: 1,
  plants: 1,
  suppliers: 60,
  rawItems: 240,
  intermediateItems: 60,
  finishedItems: 120,
  customers: 400,
  days: 365,
  batchesPerDay: 80,
  intermediateBatchRatio: 0.6,
  stages: 3,
  inputsPerBatch: 6.5,
  outputsPerBatch: 1.5,
  shipmentsPerLot: 8,
  palletsPerShipment: 6,
  rawEveryDays: [1, 1, 1, 2, 2, 3, 5, 7, 14, 30],
  lotsPerDelivery: 1.5,
  reworkRate: 0.03,
  continuousRate: 0.1,
  lateRate: 0.02,
  errorRate: 0.002,
  inspectRate: 0.2,
  holdRate: 0.05,
  startDate: '2026-01-05',
};

export const PRESETS = {
  /** About 10,000 events: tests and smoke runs. */
  small: { ...PLANT_YEAR, days: 18, batchesPerDay: 40, rawItems: 120 },
  /** One mid-size food plant-year: ~200k lots, ~0.8M edges. */
  plant: PLANT_YEAR,
  /** Five plant-years (five sites, one year): ~1M lots, ~4.2M edges. */
  large: { ...PLANT_YEAR, plants: 5 },
  /** About 25 plant-years (five sites, five years): for import throughput and memory. */
  huge: { ...PLANT_YEAR, plants: 5, days: 5 * 365 },
  /** The plant-year with four bulk raw items (silos, a tank) delivered every 90 or 120 days: lots reaching 10,000–15,000 lots forward. */
  wide: { ...PLANT_YEAR, bulk: { items: 4, everyDays: [90, 120], kg: 30_000 } },
} as const satisfies Record<string, PlantParams>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as string[]).includes(s);
}
