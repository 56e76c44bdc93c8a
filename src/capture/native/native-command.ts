/**
 * Lotline's native business commands (one per NDJSON line): a simpler way for a plant to
 * write the same events as EPCIS. The schemas here are the contract documented in
 * docs/native-format.md; each command is translated into one EPCIS 2.0 event.
 */
import { z } from 'zod';

// An unpaired surrogate is not text: it cannot be URI-encoded into the event (found by test/reliability/fuzz-parsers.test.ts).
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const text = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(500, 'is longer than 500 characters')
  .refine((s) => !UNPAIRED_SURROGATE.test(s), 'holds an unpaired UTF-16 surrogate, which is not text');
/** A party or place name: it becomes a URI, where a control character has no place (named here, by its field). */
const name = text.refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');
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
  location: name.optional(),
  operator: text.optional(),
  equipment: text.optional(),
  line: text.optional(),
  step: text.optional(),
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  note: text.optional(),
};
const lots = z.array(ObjectSpec).min(1, 'needs at least one entry');

export const NativeCommand = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('receive'), ...common, lots, from: name, po: text.optional(), supplierLot: text.optional(), despatchAdvice: text.optional() }).strict(),
  z.object({ cmd: z.literal('produce'), ...common, inputs: z.array(ObjectSpec).default([]), outputs: z.array(ObjectSpec).default([]), batch: text.optional(), order: text.optional() }).strict(),
  z.object({ cmd: z.literal('ship'), ...common, lots: z.array(ObjectSpec).optional(), units: z.array(ObjectSpec).optional(), to: name, toLocation: name.optional(), order: text.optional(), despatchAdvice: text.optional(), carrier: text.optional() }).strict(),
  z.object({ cmd: z.literal('pack'), ...common, sscc: text.optional(), unit: text.optional(), contents: lots }).strict(),
  z.object({ cmd: z.literal('unpack'), ...common, sscc: text.optional(), unit: text.optional(), contents: z.array(ObjectSpec).optional() }).strict(),
  z.object({ cmd: z.literal('inspect'), ...common, lots, result: z.enum(['pass', 'fail']) }).strict(),
  z.object({ cmd: z.literal('hold'), ...common, lots, reason: text, reference: text.optional() }).strict(),
  z.object({ cmd: z.literal('release'), ...common, lots, reason: text.optional() }).strict(),
  z.object({ cmd: z.literal('move'), ...common, lots, to: name }).strict(),
  z.object({ cmd: z.literal('adjust'), ...common, lot: ObjectSpec, quantity: z.number().finite('must be a finite number'), uom: z.string().regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec. 20 code like KGM').optional(), reason: text }).strict(),
  z.object({ cmd: z.literal('destroy'), ...common, lots, reason: text }).strict(),
  z.object({ cmd: z.literal('event'), event: z.record(z.string(), z.unknown()) }).strict(),
]);
export type NativeCommand = z.infer<typeof NativeCommand>;

export const NATIVE_COMMANDS = ['receive', 'produce', 'ship', 'pack', 'unpack', 'inspect', 'hold', 'release', 'move', 'adjust', 'destroy', 'event'] as const;
