/**
 * The cells of the FSMA 204 report that both ways of building it (fsma204-report.ts from rows,
 * fsma204-columns.ts from the index's columns) spell alike: reference documents, parties and
 * places, amounts that add up.
 */
import type { BizTransactionEntry, PartyEntry } from '../../domain/event-facts.js';
import { isLotlineUri } from '../../domain/identifiers/lotline-uri.js';

const DOC_TYPES: Readonly<Record<string, string>> = {
  po: 'Purchase order',
  poc: 'Purchase order confirmation',
  desadv: 'Despatch advice',
  recadv: 'Receiving advice',
  inv: 'Invoice',
  bol: 'Bill of lading',
  prodorder: 'Production order',
  rma: 'Return merchandise authorisation',
  cert: 'Certificate',
  pedigree: 'Pedigree',
  testprd: 'Test procedure',
  testres: 'Test result',
  upevt: 'Upstream EPCIS event',
};

/** The document number a bizTransaction URI carries: the order code of a Lotline URN, the last field of a CBV `urn:epcglobal:cbv:bt:…`. */
function documentNumber(uri: string): string {
  if (isLotlineUri(uri)) return decodeURIComponent(uri.slice(uri.indexOf(':', 'urn:lotline:'.length) + 1));
  const bt = /^urn:epcglobal:cbv:bt:[^:]*:(.+)$/i.exec(uri);
  return bt ? bt[1]! : uri;
}

export function documents(list: readonly BizTransactionEntry[]): { type: string | null; number: string | null } {
  if (list.length === 0) return { type: null, number: null };
  // Without a type a document's number still tells the reader what to ask for; its type cell says so.
  return { type: list.map((b) => (b.type === null ? 'unspecified' : (DOC_TYPES[b.type] ?? b.type))).join('; '), number: list.map((b) => documentNumber(b.id)).join('; ') };
}

/** The party and/or location of a source or destination list: "Party, Location". */
export function partyAndPlace(list: readonly PartyEntry[], describe: (uri: string) => string): string | null {
  const party = list.find((p) => p.type === 'owning_party') ?? list.find((p) => p.type === 'possessing_party');
  const place = list.find((p) => p.type === 'location');
  const parts = [party, place].filter((p): p is PartyEntry => p !== undefined).map((p) => describe(p.id));
  if (parts.length === 0 && list.length > 0) parts.push(describe(list[0]!.id));
  return parts.length > 0 ? parts.join(', ') : null;
}

export interface Amount {
  quantity: number | null;
  uom: string | null;
}

/** Two amounts of one lot in one record: they add up in one unit, otherwise the quantity is unknown (and reported missing). */
export function add(a: Amount | undefined, b: Amount): Amount {
  if (!a) return { ...b };
  if (a.quantity === null || b.quantity === null || a.uom !== b.uom) return { quantity: null, uom: a.uom === b.uom ? a.uom : null };
  return { quantity: a.quantity + b.quantity, uom: a.uom };
}

/** `add` in place. */
export function addInto(a: Amount, b: Amount): void {
  if (a.quantity === null || b.quantity === null || a.uom !== b.uom) {
    a.quantity = null;
    if (a.uom !== b.uom) a.uom = null;
  } else a.quantity += b.quantity;
}

