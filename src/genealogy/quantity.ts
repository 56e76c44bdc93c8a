import { baseUnit, convertQuantity } from '../domain/units.js';

/** A quantity in the base unit of its dimension (kg, l, each…), so that g and kg add up; null when it cannot be. */
export function inBase(quantity: number | null, uom: string | null): { value: number; base: string } | null {
  if (quantity === null) return null;
  // EPCIS: a quantity without uom counts instances, like EA.
  const from = uom ?? 'EA';
  const base = baseUnit(from);
  const value = convertQuantity(quantity, from, base);
  return value === null ? null : { value, base };
}

/** The sum of quantities in one base unit, or null when one is missing or the dimensions differ. */
export function sumInBase(items: readonly { quantity: number | null; uom: string | null }[]): { value: number; base: string } | null {
  let base: string | undefined;
  let value = 0;
  for (const it of items) {
    const q = inBase(it.quantity, it.uom);
    if (q === null) return null;
    if (base !== undefined && q.base !== base) return null;
    base = q.base;
    value += q.value;
  }
  return base === undefined ? null : { value, base };
}
