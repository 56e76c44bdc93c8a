/**
 * The path-explosion case of DESIGN.md §3: a chain of tank lots where each tank keeps a
 * carry-over (heel) of the two tanks before it. Lots grow linearly with the chain; paths
 * grow like the Fibonacci numbers, which is what a `UNION ALL` recursive query counts.
 */
import { plantTime } from './generate-plant.js';
import type { PlantLine } from './generate-plant.js';

export function tankChainLines(tanks: number, startMs = Date.parse('2026-03-02T06:00:00Z')): PlantLine[] {
  const lines: PlantLine[] = [];
  const tank = (k: number): string => `T-${String(k).padStart(2, '0')}`;
  for (let k = 1; k <= tanks; k++) {
    const time = (m: number): string => plantTime(startMs + (k * 60 + m) * 60_000);
    const syrup = { item: 'SYRUP', lot: `SY-${String(k).padStart(2, '0')}` };
    lines.push({ cmd: 'receive', time: time(0), lots: [{ ...syrup, quantity: 5000, uom: 'LTR' }], from: 'Syrup Co' });
    const inputs: Record<string, unknown>[] = [{ ...syrup, quantity: 4000, uom: 'LTR' }];
    if (k > 1) inputs.push({ item: 'TANK', lot: tank(k - 1), quantity: 600, uom: 'LTR' });
    if (k > 2) inputs.push({ item: 'TANK', lot: tank(k - 2), quantity: 300, uom: 'LTR' });
    lines.push({ cmd: 'produce', time: time(30), inputs, outputs: [{ item: 'TANK', lot: tank(k), quantity: 4900, uom: 'LTR' }], location: 'Tank farm' });
  }
  return lines;
}
