/**
 * A traceable object, normalised. Every identifier form Lotline accepts (EPC URN, GS1 Digital
 * Link, element string, plain item/lot codes) parses into one of these, so that two spellings
 * of the same lot are the same node of the genealogy graph.
 *
 * `item` is the GTIN-14 for GS1 items (8/12/13-digit GTINs left-padded with zeros), else the
 * plant's own item code, verbatim.
 */
export type ObjectRef =
  /** A lot (batch) of an item: GS1 LGTIN, or a plant item code plus lot code. */
  | { readonly kind: 'lot'; readonly item: string; readonly lot: string }
  /** One serialised unit of an item: GS1 SGTIN, or a plant item code plus serial. */
  | { readonly kind: 'serial'; readonly item: string; readonly serial: string }
  /** A class-only reference (GTIN without lot or serial): recordable, not traceable. */
  | { readonly kind: 'class'; readonly item: string }
  /** A logistic unit (pallet, case): an SSCC (18 digits) or another container id (GRAI, GIAI, plant id). */
  | { readonly kind: 'unit'; readonly scheme: UnitScheme; readonly id: string }
  /** A URI Lotline does not interpret (a partner's private EPC scheme): kept as an opaque instance. */
  | { readonly kind: 'other'; readonly uri: string };

export const UNIT_SCHEMES = ['sscc', 'grai', 'giai', 'plant'] as const;
export type UnitScheme = (typeof UNIT_SCHEMES)[number];

export type ObjectKind = ObjectRef['kind'];

const SEP = '\u001f';

/** A string key that is equal for equal objects, for maps and the store's node table. */
export function refKey(ref: ObjectRef): string {
  switch (ref.kind) {
    case 'lot':
      return `lot${SEP}${ref.item}${SEP}${ref.lot}`;
    case 'serial':
      return `serial${SEP}${ref.item}${SEP}${ref.serial}`;
    case 'class':
      return `class${SEP}${ref.item}${SEP}`;
    case 'unit':
      return `unit${SEP}${ref.scheme}${SEP}${ref.id}`;
    case 'other':
      return `other${SEP}${SEP}${ref.uri}`;
  }
}

/** The three columns the store keeps for a node: kind, item (or unit scheme), code. */
export function refColumns(ref: ObjectRef): { kind: ObjectKind; item: string; code: string } {
  switch (ref.kind) {
    case 'lot':
      return { kind: 'lot', item: ref.item, code: ref.lot };
    case 'serial':
      return { kind: 'serial', item: ref.item, code: ref.serial };
    case 'class':
      return { kind: 'class', item: ref.item, code: '' };
    case 'unit':
      return { kind: 'unit', item: ref.scheme, code: ref.id };
    case 'other':
      return { kind: 'other', item: '', code: ref.uri };
  }
}

/** The inverse of {@link refColumns}. */
export function refFromColumns(kind: string, item: string, code: string): ObjectRef {
  switch (kind) {
    case 'lot':
      return { kind, item, lot: code };
    case 'serial':
      return { kind, item, serial: code };
    case 'class':
      return { kind, item };
    case 'unit':
      return { kind, scheme: item as UnitScheme, id: code };
    default:
      return { kind: 'other', uri: code };
  }
}

/** A short human label: `04012345123456 / LOT7`, `SSCC 340123450000000018`. */
export function refLabel(ref: ObjectRef): string {
  switch (ref.kind) {
    case 'lot':
      return `${ref.item} / ${ref.lot}`;
    case 'serial':
      return `${ref.item} # ${ref.serial}`;
    case 'class':
      return `${ref.item} (no lot)`;
    case 'unit':
      return `${ref.scheme.toUpperCase()} ${ref.id}`;
    case 'other':
      return ref.uri;
  }
}
