/**
 * Recalls over HTTP (docs/reports/recall.md): compute and save a recall scope, list and read saved
 * recalls, their customer notification list as CSV, and place the holds of a saved recall in one
 * action. Computing a recall and holding need `quality`; reading needs `read`.
 */
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { LOT_STATUSES } from '../../genealogy/lot-state.js';
import type { RecallRequest } from '../../genealogy/recall-scope.js';
import type { MasterDataStore } from '../../masterdata/master-data-store.js';
import { notificationCsv } from '../../reports/recall/notification-csv.js';
import { getRecall, recallHoldEvent, runRecall } from '../../reports/recall/recall-record.js';
import type { RecallStore } from '../../reports/recall/recall-store.js';
import type { Api } from '../app.js';
import { refFrom } from '../ref-query.js';
import { COMMON_ERRORS, problem } from '../schemas.js';

const text = z.string().trim().min(1, 'must not be empty').max(500, 'is longer than 500 characters');
const time = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$/, 'must be a date (2026-05-04) or a date-time with offset (2026-05-04T10:00:00+02:00)')
  // The pattern lets 2026-13-01 or 2026-02-30 through; the calendar does not.
  .refine(realDate, 'is not a date on the calendar');
/** True when the date part exists on the calendar (Date.parse rolls 2026-02-30 over to March 2). */
function realDate(v: string): boolean {
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && !Number.isNaN(Date.parse(v));
}
const dateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/, 'must be a date-time with offset, like 2026-05-04T10:00:00+02:00');
const LotInput = z.union([
  z.string().min(1).describe('EPC URN, GS1 Digital Link, element string or urn:lotline:lot:ITEM:LOT'),
  z.object({ item: z.string().min(1).optional(), gtin: z.string().min(1).optional(), lot: z.string().min(1).optional(), serial: z.string().min(1).optional() }).strict(),
]);

function lotRef(input: z.infer<typeof LotInput>, path: string): ObjectRef {
  try {
    return refFrom(typeof input === 'string' ? { ref: input } : input, 'query');
  } catch (e) {
    if (e instanceof LotlineError) throw new LotlineError(e.code, `${path}: ${e.message}`, { issues: [{ path, reason: e.message }], cause: e });
    throw e;
  }
}

const Quantity = z.object({ quantity: z.number(), uom: z.string() });
const Code = { item: z.string(), lot: z.string().optional(), serial: z.string().optional() };
const ScopeSchema = z.object({
  asOfSeq: z.number().int(),
  start: z.object({ lots: z.array(z.record(z.string(), z.string())), supplier: z.string().optional(), supplierName: z.string().optional(), item: z.string().optional(), from: z.string().optional(), to: z.string().optional() }),
  lots: z.array(z.object({ ...Code, description: z.string().nullable(), depth: z.number().int(), share: z.number().nullable(), status: z.enum(LOT_STATUSES), onHand: Quantity.nullable(), location: z.string().nullable(), locationName: z.string().nullable() })),
  onHand: z.array(
    z.object({
      location: z.string().nullable(),
      locationName: z.string(),
      lots: z.array(z.object({ ...Code, quantity: z.number().nullable(), uom: z.string().nullable(), status: z.enum(LOT_STATUSES), alreadyHeld: z.boolean(), inUnits: z.array(z.string()) })),
      totals: z.array(Quantity),
    }),
  ),
  shipments: z.array(
    z.object({
      eventId: z.string(), time: z.string(), customer: z.string().nullable(), customerName: z.string().nullable(), shipTo: z.string().nullable(), order: z.string().nullable(), despatchAdvice: z.string().nullable(),
      carrier: z.string().nullable(), ...Code, description: z.string().nullable(), quantity: z.number().nullable(), uom: z.string().nullable(), share: z.number().nullable(), exposure: Quantity.nullable(), via: z.string().optional(), inTransit: z.boolean(),
    }),
  ),
  openOrders: z.array(
    z.object({
      kind: z.enum(['in_transit', 'packed_not_shipped']), order: z.string().nullable(), customer: z.string().nullable(), customerName: z.string().nullable(), unit: z.string().nullable(), eventId: z.string().nullable(), time: z.string().nullable(),
      lots: z.array(z.object({ ...Code, quantity: z.number().nullable(), uom: z.string().nullable() })),
    }),
  ),
  customers: z.array(
    z.object({
      customer: z.string(), name: z.string(), onFile: z.boolean(), contact: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable(), address: z.string().nullable(),
      lots: z.array(z.string()), quantities: z.array(Quantity), exposure: z.array(Quantity), shipments: z.array(z.string()), firstShipped: z.string(), lastShipped: z.string(),
    }),
  ),
  precision: z.object({
    items: z.array(
      z.object({
        item: z.string(), description: z.string().nullable(), span: z.object({ from: z.string(), to: z.string() }).nullable(),
        targeted: z.object({ lots: z.number().int(), quantity: z.number().nullable(), uom: z.string().nullable() }), broad: z.object({ lots: z.number().int(), quantity: z.number().nullable(), uom: z.string().nullable() }), ratio: z.number().nullable(),
      }),
    ),
    targeted: Quantity.nullable(),
    broad: Quantity.nullable(),
    ratio: z.number().nullable(),
  }),
  warnings: z.array(z.string()),
});
const RecallEntry = z.object({ id: z.string(), computedAt: z.string(), computedBy: z.string(), asOfSeq: z.number().int(), request: z.record(z.string(), z.unknown()), summary: z.record(z.string(), z.unknown()) });
const RecallSchema = RecallEntry.extend({ scope: ScopeSchema });
const IdParam = z.object({ id: z.string().min(1).max(100).describe('The recall id (RC-…)') }).strict();
const HoldResult = z.object({ eventId: z.string().nullable(), seq: z.number().int().nullable(), lots: z.array(z.record(z.string(), z.string())) });

export function registerRecallRoutes(api: Api, recalls: MasterDataStore & RecallStore): void {
  const { store } = api;

  const placeHolds = async (recall: Awaited<ReturnType<typeof getRecall>>, reason: string, holdTime: string | undefined, req: Parameters<Api['contextOf']>[0], principal: Parameters<Api['contextOf']>[1]) => {
    const hold = await recallHoldEvent(store, recall, reason, holdTime);
    if (!hold) return { eventId: null, seq: null, lots: [] };
    const ctx = api.contextOf(req, principal);
    const [outcome] = await api.writer.submit([hold.event], { label: 'request', noun: 'request', single: true }, '$', ctx);
    if (outcome!.status !== 'duplicate') api.events.emit('appended');
    await api.afterCapture([outcome!]);
    await recalls.recordRecallAction({ recallId: recall.id, time: new Date().toISOString(), actor: ctx.actor, action: 'holds-placed', details: { eventId: hold.event.eventId, seq: outcome!.seq, lots: hold.lots } });
    return { eventId: hold.event.eventId, seq: outcome!.seq, lots: hold.lots };
  };

  api.route({
    method: 'POST',
    url: '/recalls',
    tag: 'recalls',
    summary: 'Compute and save a recall scope: affected lots, stock to hold by location, shipments with exposure, orders to stop, customers to notify, precision',
    description:
      'Start from `lots`, or from `supplier` and/or `item` with `from`/`to` (the receipts of the supplier in that event-time range; for an item alone, its lots made or received then). The scope is saved as computed, with who computed it and the log position it reflects. With `hold`, the lots on hand (not already held) are put on hold in one event whose reference is the recall id. Figures: docs/reports/recall.md.',
    permission: 'quality',
    body: z
      .object({
        lots: z.array(LotInput).optional(),
        supplier: text.optional().describe('GLN, party URI or the name events use'),
        item: text.optional().describe('Item code or GTIN'),
        from: time.optional().describe('Start of the event-time range (included)'),
        to: time.optional().describe('End of the event-time range (not included); must be after from'),
        asOf: time.optional().describe('The records as known at this record time'),
        transitDays: z.number().min(0).max(365).optional().describe('A shipment younger than this with no receipt recorded is in transit (default 3)'),
        hold: z.object({ reason: text, time: dateTime.optional() }).strict().optional().describe('Also hold what is on hand'),
      })
      .strict()
      // An empty or reversed range would find nothing and say "no lot": say what is wrong instead.
      .refine((b) => b.from === undefined || b.to === undefined || !realDate(b.from) || !realDate(b.to) || Date.parse(b.to) > Date.parse(b.from), { path: ['to'], message: 'must be after from (to is not included)' }),
    responses: {
      201: { description: 'The saved recall with its scope (and `holds` when asked)', schema: RecallSchema.extend({ holds: HoldResult.optional() }) },
      400: problem('A bad field, with its path (INPUT_INVALID, USAGE, ID_*)'),
      404: problem('No lot matches the start (LOT_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, body, principal }) => {
      const r: RecallRequest = {
        ...(body.lots ? { lots: body.lots.map((l, i) => lotRef(l, `$.lots[${i}]`)) } : {}),
        ...(body.supplier !== undefined ? { supplier: body.supplier } : {}),
        ...(body.item !== undefined ? { item: body.item } : {}),
        ...(body.from !== undefined ? { from: body.from } : {}),
        ...(body.to !== undefined ? { to: body.to } : {}),
        ...(body.asOf !== undefined ? { asOf: body.asOf } : {}),
        ...(body.transitDays !== undefined ? { transitDays: body.transitDays } : {}),
      };
      const recall = await runRecall(store, recalls, r, principal.actor);
      void reply.status(201).header('Location', `/api/v1/recalls/${recall.id}`);
      if (!body.hold) return recall;
      return { ...recall, holds: await placeHolds(recall, body.hold.reason, body.hold.time, req, principal) };
    },
  });

  api.route({
    method: 'GET',
    url: '/recalls',
    tag: 'recalls',
    summary: 'Saved recalls, newest first (without their scopes)',
    permission: 'read',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }).strict(),
    responses: { 200: { description: 'Recalls', schema: z.object({ recalls: z.array(RecallEntry) }) }, ...COMMON_ERRORS },
    handler: async ({ query }) => ({ recalls: await recalls.listRecalls({ limit: query.limit, offset: query.offset }) }),
  });

  api.route({
    method: 'GET',
    url: '/recalls/:id',
    tag: 'recalls',
    summary: 'A saved recall: its scope as computed, and the actions taken on it',
    permission: 'read',
    params: IdParam,
    responses: {
      200: { description: 'The recall', schema: RecallSchema.extend({ actions: z.array(z.object({ seq: z.number().int(), time: z.string(), actor: z.string(), action: z.string(), details: z.record(z.string(), z.unknown()) })) }) },
      404: problem('No such recall (RECALL_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params }) => {
      const r = await getRecall(recalls, params.id);
      return { ...r, actions: (await recalls.recallActions(r.id)).map(({ recallId: _r, ...a }) => a) };
    },
  });

  api.route({
    method: 'GET',
    url: '/recalls/:id/notification.csv',
    tag: 'recalls',
    summary: 'The customer notification list of a saved recall: one CSV row per customer, contact details from master data',
    permission: 'read',
    params: IdParam,
    responses: { 200: { description: 'text/csv', contentType: 'text/csv', headers: { 'Content-Disposition': 'attachment; filename="RC-….notification.csv"' } }, 404: problem('No such recall (RECALL_NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ params, reply }) => {
      const r = await getRecall(recalls, params.id);
      void reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${r.id}.notification.csv"`);
      return notificationCsv(r.scope);
    },
  });

  api.route({
    method: 'POST',
    url: '/recalls/:id/holds',
    tag: 'recalls',
    summary: 'Hold, in one event, every lot of a saved recall that was on hand and not yet held (reference = the recall id)',
    permission: 'quality',
    params: IdParam,
    body: z.object({ reason: text, time: dateTime.optional() }).strict(),
    responses: {
      201: { description: 'Held (eventId null and no lots when nothing was left to hold)', schema: HoldResult },
      404: problem('No such recall (RECALL_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params, body, req, reply, principal }) => {
      const r = await getRecall(recalls, params.id);
      const out = await placeHolds(r, body.reason, body.time, req, principal);
      void reply.status(201);
      return out;
    },
  });
}
