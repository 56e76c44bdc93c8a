/**
 * Lotline's native business commands (one per NDJSON line): a simpler way for a plant to
 * write the same events as EPCIS. The schemas here are the contract documented in
 * docs/native-format.md; each command is translated into one EPCIS 2.0 event.
 */
import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty').max(500, 'is longer than 500 characters');
const time = z.string().min(1, 'is required');

/** A lot, serial or logistic unit as a native command names it. */
export const ObjectSpec = z
  .object({
    item: text.optional(),
    gtin: text.optional(),
    lot: text.optional(),
    serial: text.optional(),
    ref: text.optional(),
    sscc: text.optional(),
    unit: text.optional(),
    quantity: z.number().finite('must be a finite number').nonnegative('must not be negative').optional(),
    uom: z.string().regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec. 20 code like KGM, LTR or EA').optional(),
  })
  .strict();
export type ObjectSpec = z.infer<typeof ObjectSpec>;

const common = {
  time,
  id: text.optional(),
  location: text.optional(),
  operator: text.optional(),
  equipment: text.optional(),
  line: text.optional(),
  step: text.optional(),
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  note: text.optional(),
};
const lots = z.array(ObjectSpec).min(1, 'needs at least one entry');

export const NativeCommand = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('receive'), ...common, lots, from: text, po: text.optional(), supplierLot: text.optional(), despatchAdvice: text.optional() }).strict(),
  z.object({ cmd: z.literal('produce'), ...common, inputs: z.array(ObjectSpec).default([]), outputs: z.array(ObjectSpec).default([]), batch: text.optional(), order: text.optional() }).strict(),
  z.object({ cmd: z.literal('ship'), ...common, lots: z.array(ObjectSpec).optional(), units: z.array(ObjectSpec).optional(), to: text, toLocation: text.optional(), order: text.optional(), despatchAdvice: text.optional(), carrier: text.optional() }).strict(),
  z.object({ cmd: z.literal('pack'), ...common, sscc: text.optional(), unit: text.optional(), contents: lots }).strict(),
  z.object({ cmd: z.literal('unpack'), ...common, sscc: text.optional(), unit: text.optional(), contents: z.array(ObjectSpec).optional() }).strict(),
  z.object({ cmd: z.literal('inspect'), ...common, lots, result: z.enum(['pass', 'fail']) }).strict(),
  z.object({ cmd: z.literal('hold'), ...common, lots, reason: text, reference: text.optional() }).strict(),
  z.object({ cmd: z.literal('release'), ...common, lots, reason: text.optional() }).strict(),
  z.object({ cmd: z.literal('move'), ...common, lots, to: text }).strict(),
  z.object({ cmd: z.literal('adjust'), ...common, lot: ObjectSpec, quantity: z.number().finite('must be a finite number'), uom: z.string().regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec. 20 code like KGM').optional(), reason: text }).strict(),
  z.object({ cmd: z.literal('destroy'), ...common, lots, reason: text }).strict(),
  z.object({ cmd: z.literal('event'), event: z.record(z.string(), z.unknown()) }).strict(),
]);
export type NativeCommand = z.infer<typeof NativeCommand>;

export const NATIVE_COMMANDS = ['receive', 'produce', 'ship', 'pack', 'unpack', 'inspect', 'hold', 'release', 'move', 'adjust', 'destroy', 'event'] as const;
