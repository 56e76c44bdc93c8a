/** Station configuration as the API and the CLI accept it: one zod schema, also the OpenAPI description. */
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import { normalizeGtin } from '../../domain/identifiers/index.js';
import type { StationRecord } from './station-store.js';
import { STATION_ROLES } from './station-store.js';

const text = z.string().trim().min(1, 'must not be empty').max(200, 'is longer than 200 characters');
const item = text.describe('A GTIN (8, 12, 13 or 14 digits, check digit validated) or a plant item code');

export const StationDefaultsSchema = z
  .object({
    quantity: z.number().finite('must be a finite number').positive('must be more than 0').optional().describe('Quantity of a scanned lot whose label has none'),
    uom: z.string().regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec. 20 code like KGM, LTR or EA').optional().describe('Unit of the default quantity'),
    outputItem: item.optional().describe('Production: the item this station makes; scanning it closes the sequence'),
    items: z.array(item).max(500).optional().describe('Production, packing, shipping: the only items accepted (others are refused as the wrong item)'),
    supplier: text.optional().describe('Receiving: the supplier when the label names none (GLN, URI or name)'),
    customer: text.optional().describe('Shipping: the customer when the labels name none (GLN, URI or name)'),
  })
  .strict();

export const StationInputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit').describe('Station id, as scanners and MQTT topics name it'),
    site: text.describe('The plant: a GLN (13 digits), a URI or a name; written as the location of the events'),
    line: text.optional().describe('Production line'),
    role: z.enum(STATION_ROLES, { error: `must be one of ${STATION_ROLES.join(', ')}` }),
    defaults: StationDefaultsSchema.default({}),
  })
  .strict();
export type StationInput = z.input<typeof StationInputSchema>;

/** A new station from validated input; checks GTINs of the item defaults (ID_INVALID / ID_BAD_CHECK_DIGIT naming the field). */
export function newStation(input: z.output<typeof StationInputSchema>, createdBy: string, now: Date = new Date()): StationRecord {
  const gtinCheck = (field: string, v: string): void => {
    if (!/^\d+$/.test(v)) return;
    try {
      normalizeGtin(v);
    } catch (e) {
      if (e instanceof LotlineError) throw new LotlineError(e.code, `defaults.${field}: ${e.message}`, { cause: e, issues: [{ path: `$.defaults.${field}`, reason: e.message }] });
      throw e;
    }
  };
  if (input.defaults.outputItem !== undefined) gtinCheck('outputItem', input.defaults.outputItem);
  input.defaults.items?.forEach((v, i) => gtinCheck(`items[${i}]`, v));
  if (input.defaults.uom !== undefined && input.defaults.quantity === undefined) {
    throw new LotlineError('INPUT_INVALID', 'defaults.uom is given without defaults.quantity', { issues: [{ path: '$.defaults.uom', reason: 'uom is given without a quantity' }] });
  }
  return { id: input.id, site: input.site, line: input.line ?? null, role: input.role, defaults: input.defaults, createdAt: now.toISOString(), createdBy };
}
