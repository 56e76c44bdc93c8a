/**
 * The few fields of event bodies that a recall and a lot state print or count: of a shipping
 * event, the order, the despatch advice, the carrier and the ship-to location (each shipment
 * line of a recall); of any event, an adjustment's quantity, a receipt's supplier lot code and a
 * hold's reason (a lot's state). Read from the body once: the genealogy index keeps them per
 * event (event-index.ts), so that a recall or a mock recall through it reads and parses no body
 * it has read before.
 */

export interface ShippingFacts {
  readonly order: string | null;
  readonly despatchAdvice: string | null;
  readonly carrier: string | null;
  readonly shipTo: string | null;
}

export const NO_SHIPPING_FACTS: ShippingFacts = Object.freeze({ order: null, despatchAdvice: null, carrier: null, shipTo: null });

/** The facts of one event body (undefined: no body, every fact null). */
export function shippingFactsOf(body: Record<string, unknown> | undefined): ShippingFacts {
  if (body === undefined) return NO_SHIPPING_FACTS;
  const carrier = body['lotline:carrier'];
  return {
    order: bizTransaction(body, ['po', 'so', 'order']),
    despatchAdvice: bizTransaction(body, ['desadv']),
    carrier: typeof carrier === 'string' ? carrier : null,
    shipTo: shipToOf(body),
  };
}

function bizTransaction(body: Record<string, unknown>, types: readonly string[]): string | null {
  const list = body['bizTransactionList'];
  if (!Array.isArray(list)) return null;
  for (const t of list as { type?: unknown; bizTransaction?: unknown }[]) {
    // bare (`desadv`), web URI (`https://ref.gs1.org/cbv/BTT-desadv`) or URN (`urn:epcglobal:cbv:btt:desadv`); the
    // second cut is made on what the first left (cut on the whole URI, it emptied every web URI)
    const tail = typeof t.type === 'string' ? t.type.slice(t.type.lastIndexOf('-') + 1) : '';
    const type = tail.slice(tail.lastIndexOf(':') + 1);
    if (types.includes(type) && typeof t.bizTransaction === 'string') return displayTransaction(t.bizTransaction);
  }
  return null;
}

/** `urn:lotline:order:SO-1` → `SO-1`: the number the plant typed; other URIs as written. */
function displayTransaction(uri: string): string {
  const m = /^urn:lotline:[a-z]+:(.+)$/.exec(uri);
  return m ? decodeURIComponent(m[1]!) : uri;
}

function shipToOf(body: Record<string, unknown>): string | null {
  const list = body['destinationList'];
  if (!Array.isArray(list)) return null;
  for (const d of list as { type?: unknown; destination?: unknown }[]) if (typeof d.type === 'string' && /location$/.test(d.type) && typeof d.destination === 'string') return d.destination;
  return null;
}

/** The fields of an event's body that a lot's state reads: an adjustment's quantity, the supplier's lot code on a receipt, a hold's reason. */
export interface LotFacts {
  readonly adjustBy: number | null;
  readonly supplierLot: string | null;
  readonly reason: string | null;
}

export const NO_LOT_FACTS: LotFacts = Object.freeze({ adjustBy: null, supplierLot: null, reason: null });

/** The lot-state facts of one event body (undefined: no body, every fact null). */
export function lotFactsOf(body: Record<string, unknown> | undefined): LotFacts {
  if (body === undefined) return NO_LOT_FACTS;
  const adjustBy = body['lotline:adjustBy'];
  const supplierLot = body['lotline:supplierLot'];
  const reason = body['lotline:reason'];
  if (typeof adjustBy !== 'number' && typeof supplierLot !== 'string' && typeof reason !== 'string') return NO_LOT_FACTS;
  return { adjustBy: typeof adjustBy === 'number' ? adjustBy : null, supplierLot: typeof supplierLot === 'string' ? supplierLot : null, reason: typeof reason === 'string' ? reason : null };
}
