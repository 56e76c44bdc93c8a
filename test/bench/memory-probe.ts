/**
 * Run as `node --expose-gc --import tsx test/bench/memory-probe.ts PRESET DAYS`: generates the
 * plant (serialising every line, as the writer does, but keeping none) and prints the live heap
 * after a full GC at each tenth of the run, as one JSON line.
 */
import { generatePlant } from '../../bench/plant/generate-plant.js';
import { isPresetName, PRESETS } from '../../bench/plant/presets.js';

const [preset = 'plant', daysArg = '60'] = process.argv.slice(2);
if (!isPresetName(preset)) throw new Error(`unknown preset ${preset}`);
const params = { ...PRESETS[preset], days: Number(daysArg) };
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heap: number[] = [];
let events = 0;
let bytes = 0;
let nextDay = 0;
const perEvent = 1;
for (const line of generatePlant(params)) {
  bytes += JSON.stringify(line).length * perEvent;
  events++;
  const t = String(line['time'] ?? (line['eventTime'] as string | undefined) ?? '');
  const day = Math.floor((Date.parse(t) - Date.parse(`${params.startDate}T00:00:00Z`)) / 86_400_000);
  if (day >= nextDay && day < params.days) {
    gc();
    heap.push(process.memoryUsage().heapUsed / 1048576);
    nextDay += Math.max(1, Math.floor(params.days / 10));
  }
}
gc();
heap.push(process.memoryUsage().heapUsed / 1048576);
console.log(JSON.stringify({ events, bytes, heapMiB: heap }));
