/**
 * The object a command is about: a REF in any identifier form, or --item/--gtin with
 * --lot/--serial for plant codes.
 */
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/index.js';
import { gtinRef, isGtin14, normalizeGtin, parseRef, plainRef } from '../domain/identifiers/index.js';
import type { EventStore } from '../store/event-store.js';
import { UsageError } from './io.js';

export interface RefFlags {
  item?: string | undefined;
  gtin?: string | undefined;
  lot?: string | undefined;
  serial?: string | undefined;
}

export function refFromArgs(positional: readonly string[], flags: RefFlags): ObjectRef {
  const hasFlags = flags.item !== undefined || flags.gtin !== undefined;
  if (positional.length > 1) throw new UsageError(`expected one REF, got ${positional.length}: ${positional.join(' ')}`);
  if (positional.length === 1 && hasFlags) throw new UsageError('give either a REF or --item/--gtin with --lot, not both');
  if (positional.length === 1) {
    const ref = parseRef(positional[0]!);
    // `SKU-1:LOT7` is a syntactically valid URI; at the prompt it is far more likely a typo than a partner's private EPC.
    if (ref.kind === 'other' && !/^(urn|https?):/i.test(ref.uri)) {
      throw new LotlineError('ID_UNKNOWN_FORM', `${JSON.stringify(positional[0])} is not an identifier Lotline knows; for a plant's own codes use --item ITEM --lot LOT`);
    }
    return ref;
  }
  if (!hasFlags) throw new UsageError('which lot? give a REF (EPC URN, GS1 Digital Link or element string) or --item ITEM --lot LOT');
  if (flags.item !== undefined && flags.gtin !== undefined) throw new UsageError('give --item or --gtin, not both');
  const codes = { ...(flags.lot !== undefined ? { lot: flags.lot } : {}), ...(flags.serial !== undefined ? { serial: flags.serial } : {}) };
  return flags.gtin !== undefined ? gtinRef({ gtin: flags.gtin, ...codes }) : plainRef({ item: flags.item!, ...codes });
}

/**
 * A plant code typed with --item that is really a GTIN (13 digits, say) is found under its
 * GTIN-14 when nothing is stored under the code as typed.
 */
export async function resolveStoredRef(store: EventStore, ref: ObjectRef, flags: RefFlags): Promise<ObjectRef> {
  if (flags.item === undefined || (ref.kind !== 'lot' && ref.kind !== 'serial')) return ref;
  if ((await store.findNodes([ref])).size > 0) return ref;
  if (!/^\d{8}$|^\d{12,14}$/.test(flags.item)) return ref;
  try {
    const gtin = normalizeGtin(flags.item);
    if (!isGtin14(gtin)) return ref;
    return ref.kind === 'lot' ? { ...ref, item: gtin } : { ...ref, item: gtin };
  } catch {
    return ref;
  }
}
