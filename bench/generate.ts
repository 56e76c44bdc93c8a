/**
 * `npx tsx bench/generate.ts --preset plant --out /tmp/plant [--format ndjson|epcis] [--seed N] [--days N] [--plants N]`
 * Writes a deterministic plant (same seed, same bytes) for `lotline import` and the benchmark.
 */
import { parseArgs } from 'node:util';
import { isPresetName, PRESET_NAMES, PRESETS } from './plant/presets.js';
import type { PlantParams } from './plant/presets.js';
import { writePlant } from './plant/write-plant.js';

const USAGE = `usage: tsx bench/generate.ts --out BASE [--preset ${PRESET_NAMES.join('|')}] [--format ndjson|epcis]
       [--seed N] [--days N] [--plants N] [--events-per-document N]
writes BASE.ndjson (or BASE-0001.jsonld, …) and BASE.manifest.json`;

/** The numeric parameters that can be overridden on the command line. */
const NUMERIC: (keyof PlantParams)[] = [
  'seed', 'plants', 'suppliers', 'rawItems', 'intermediateItems', 'finishedItems', 'customers', 'days', 'batchesPerDay', 'intermediateBatchRatio', 'stages',
  'inputsPerBatch', 'outputsPerBatch', 'shipmentsPerLot', 'palletsPerShipment', 'lotsPerDelivery', 'reworkRate', 'continuousRate', 'lateRate', 'errorRate', 'inspectRate', 'holdRate',
];

async function main(argv: string[]): Promise<number> {
  const options: Record<string, { type: 'string' }> = { out: { type: 'string' }, preset: { type: 'string' }, format: { type: 'string' }, 'events-per-document': { type: 'string' } };
  for (const k of NUMERIC) options[k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)] = { type: 'string' };
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true }).values as Record<string, string | undefined>;
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const preset = values['preset'] ?? 'small';
  if (!isPresetName(preset)) {
    console.error(`--preset must be one of ${PRESET_NAMES.join(', ')} (got ${JSON.stringify(preset)})`);
    return 2;
  }
  const out = values['out'];
  if (!out) {
    console.error(`--out is required\n${USAGE}`);
    return 2;
  }
  const format = values['format'] ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'epcis') {
    console.error(`--format must be ndjson or epcis (got ${JSON.stringify(format)})`);
    return 2;
  }
  const params: Record<string, unknown> = { ...PRESETS[preset] };
  for (const k of NUMERIC) {
    const v = values[k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)];
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      console.error(`--${k} must be a number ≥ 0 (got ${JSON.stringify(v)})`);
      return 2;
    }
    params[k] = n;
  }
  const perDoc = values['events-per-document'] !== undefined ? Number(values['events-per-document']) : undefined;
  if (perDoc !== undefined && !(Number.isInteger(perDoc) && perDoc > 0)) {
    console.error(`--events-per-document must be a whole number > 0`);
    return 2;
  }
  const started = Date.now();
  const written = await writePlant(params as unknown as PlantParams, out, format, perDoc);
  const c = written.manifest.counts;
  console.log(
    `${preset}: ${c.events} events, ${c.lots} lots, ${c.edges} edges, ${c.shipments} shipments, ${c.declarations} error declarations, ${c.late} late → ${written.files.length} file(s), ${(written.bytes / 1048576).toFixed(1)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const f of written.files) console.log(f);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
