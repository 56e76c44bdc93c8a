/** The object a request is about: `ref` in any identifier form, or item/gtin with lot/serial (plant codes). */
import { z } from 'zod';
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/index.js';
import { gtinRef, isGtin14, normalizeGtin, parseRef, plainRef } from '../domain/identifiers/index.js';
import type { EventStore } from '../store/event-store.js';

export const RefQuery = {
  ref: z.string().min(1).optional().describe('EPC URN, GS1 Digital Link, element string or Lotline URN'),
  item: z.string().min(1).optional().describe("The plant's item code (with lot or serial)"),
  gtin: z.string().min(1).optional().describe('A GTIN (with lot or serial)'),
  lot: z.string().min(1).optional(),
  serial: z.string().min(1).optional(),
};

/** Parses a ref, naming the field it came from in errors. */
export function refFrom(input: { ref?: string | undefined; item?: string | undefined; gtin?: string | undefined; lot?: string | undefined; serial?: string | undefined }, where: 'query' | 'path'): ObjectRef {
  const field = (name: string) => `${where}.${name}`;
  const wrap = (name: string, fn: () => ObjectRef): ObjectRef => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof LotlineError) throw new LotlineError(e.code, e.message, { issues: [{ path: field(name), reason: e.message }], cause: e });
      throw e;
    }
  };
  const hasCodes = input.item !== undefined || input.gtin !== undefined;
  if (input.ref !== undefined && hasCodes) throw invalid(field('ref'), 'give either ref or item/gtin with lot or serial, not both');
  if (input.ref !== undefined) {
    const ref = wrap('ref', () => parseRef(input.ref!));
    if (ref.kind === 'other' && !/^(urn|https?):/i.test(ref.uri)) {
      throw new LotlineError('ID_UNKNOWN_FORM', `${JSON.stringify(input.ref)} is not an identifier Lotline knows; for a plant's own codes use item and lot`, { issues: [{ path: field('ref'), reason: 'not an identifier Lotline knows' }] });
    }
    return ref;
  }
  if (!hasCodes) throw invalid(field('ref'), 'which lot? give ref (an EPC URN, GS1 Digital Link or element string) or item (or gtin) with lot or serial');
  if (input.item !== undefined && input.gtin !== undefined) throw invalid(field('gtin'), 'give item or gtin, not both');
  if (input.lot === undefined && input.serial === undefined) throw invalid(field('lot'), 'give lot or serial with item or gtin');
  const codes = { ...(input.lot !== undefined ? { lot: input.lot } : {}), ...(input.serial !== undefined ? { serial: input.serial } : {}) };
  return input.gtin !== undefined ? wrap('gtin', () => gtinRef({ gtin: input.gtin!, ...codes })) : wrap('item', () => plainRef({ item: input.item!, ...codes }));
}

function invalid(path: string, reason: string): LotlineError {
  return new LotlineError('INPUT_INVALID', `${path}: ${reason}`, { issues: [{ path, reason }] });
}

/** A plant item code that is really a GTIN (13 digits, say) is found under its GTIN-14 when nothing is stored under the code as typed. */
export async function resolveStored(store: EventStore, ref: ObjectRef, byItem: boolean): Promise<ObjectRef> {
  if (!byItem || (ref.kind !== 'lot' && ref.kind !== 'serial')) return ref;
  if ((await store.findNodes([ref])).size > 0) return ref;
  if (!/^\d{8}$|^\d{12,14}$/.test(ref.item)) return ref;
  try {
    const gtin = normalizeGtin(ref.item);
    return isGtin14(gtin) ? { ...ref, item: gtin } : ref;
  } catch {
    return ref;
  }
}
