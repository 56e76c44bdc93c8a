/**
 * The plant's address book and item list (master data): what a report prints for an item, a
 * supplier, a customer or a place, and how to reach a customer in a recall. Events stay the
 * record of what happened; master data only describes the things they name, and every change of
 * it is kept with who made it and when (the earlier values of a record are never lost).
 */
import { z } from 'zod';

export const MASTER_DATA_KINDS = ['items', 'parties', 'locations'] as const;
export type MasterDataKind = (typeof MASTER_DATA_KINDS)[number];

export const PARTY_ROLES = ['supplier', 'customer', 'carrier', 'other'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `is longer than ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `is longer than ${max} characters`)
    .nullish()
    .transform((v) => (v === undefined || v === null || v === '' ? null : v));
const uom = z.string().trim().regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec. 20 unit code like KGM, EA or LTR');

/** An item: the plant's item code or a GTIN (8, 12, 13 or 14 digits), as events name it. */
export const ItemSchema = z
  .object({
    id: text(200).describe('Item code or GTIN (8/12/13/14 digits; stored as GTIN-14)'),
    description: text(500).describe('What the product is, as reports print it'),
    unit: uom.nullish().transform((v) => v ?? null).describe('The unit the item is counted in (EA, KGM, …)'),
    netContent: z
      .object({ quantity: z.number().finite().positive('must be greater than 0'), uom })
      .strict()
      .nullish()
      .transform((v) => v ?? null)
      .describe('Net content or weight of one each (1 EA = 0.25 KGM): converts counts into weights'),
    lotCodeFormat: optionalText(200).describe('A reference to the lot-code format (a rule name or a pattern) the item follows'),
  })
  .strict();

const contact = {
  address: optionalText(500).describe('Postal address, one line'),
  contact: optionalText(200).describe('Contact person'),
  phone: optionalText(100),
  email: z
    .string()
    .trim()
    .max(254)
    .nullish()
    .transform((v) => (v === undefined || v === null || v === '' ? null : v))
    .refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), 'must be an e-mail address like name@example.com'),
};

/** A supplier, customer or carrier: GLN, URI or the name events use for it. */
export const PartySchema = z
  .object({
    id: text(500).describe('GLN (13 digits), a party URI (urn:epc:id:pgln:…, …/417/…, urn:lotline:party:…) or the name events use'),
    name: text(200),
    roles: z.array(z.enum(PARTY_ROLES)).min(1, 'needs at least one role: supplier, customer, carrier or other'),
    ...contact,
  })
  .strict();

/** A site, warehouse, line or customer's delivery point. */
export const LocationSchema = z
  .object({
    id: text(500).describe('GLN (13 digits), SGLN (urn:epc:id:sgln:…, …/414/…), urn:lotline:loc:… or the name events use'),
    name: text(200),
    address: contact.address,
    party: optionalText(500).describe('The owning party (its id)'),
  })
  .strict();

export type Item = z.output<typeof ItemSchema>;
export type Party = z.output<typeof PartySchema>;
export type Location = z.output<typeof LocationSchema>;

export interface MasterDataTypes {
  items: Item;
  parties: Party;
  locations: Location;
}

export const MASTER_DATA_SCHEMAS = { items: ItemSchema, parties: PartySchema, locations: LocationSchema } as const;

/** A record as stored: its match key, its current values, and when and by whom they were set. */
export interface StoredRecord<K extends MasterDataKind = MasterDataKind> {
  readonly kind: K;
  /** The identifier in the form events are matched on (see master-data-keys.ts). */
  readonly key: string;
  readonly data: MasterDataTypes[K];
  /** 1 for the first version, one more at each change. */
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** One version of a record (the current one included): the values it had, from when, set by whom. */
export interface RecordVersion<K extends MasterDataKind = MasterDataKind> {
  readonly kind: K;
  readonly key: string;
  readonly version: number;
  readonly data: MasterDataTypes[K];
  readonly changedAt: string;
  readonly changedBy: string;
}

/** The text a search matches: identifiers, names, contact details. */
export function searchText(data: Item | Party | Location): string {
  return Object.values(data)
    .flatMap((v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : []))
    .join(' ')
    .toLowerCase();
}
