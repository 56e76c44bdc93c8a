/** Capture of native commands and EPCIS events (one or an array, atomic per request), and one event by id. */
import { z } from 'zod';
import { readCaptureValue } from '../../capture/capture-events.js';
import { LotlineError } from '../../domain/errors.js';
import { permissionFor } from '../../identity/event-permission.js';
import type { Principal } from '../../identity/identity-service.js';
import type { AppendOutcome, CapturedEvent, EventRow, EventStore } from '../../store/event-store.js';
import { refuseInvalidSignatures } from '../../quality/e-signature.js';
import type { Api } from '../app.js';
import { requirePermission } from '../route.js';
import { COMMON_ERRORS, problem } from '../schemas.js';

export const EventRowSchema = z.object({
  seq: z.number().int().describe('Log position'),
  eventId: z.string(),
  type: z.string(),
  action: z.string().nullable(),
  bizStep: z.string().nullable(),
  disposition: z.string().nullable(),
  eventTime: z.string(),
  recordTime: z.string(),
  readPoint: z.string().nullable(),
  bizLocation: z.string().nullable(),
  source: z.string().nullable(),
  destination: z.string().nullable(),
  voidSeq: z.number().nullable().describe('Log position of the error declaration that voided the event'),
  recordedBy: z.string().nullable().describe('user:NAME, key:NAME or cli:OS-USER'),
  recordedFrom: z.string().nullable().describe('Client IP address, or cli@HOST'),
});

export function eventRowView(r: EventRow) {
  return {
    seq: r.seq,
    eventId: r.eventId,
    type: r.type,
    action: r.action,
    bizStep: r.bizStep,
    disposition: r.disposition,
    eventTime: r.eventTime,
    recordTime: r.recordTime,
    readPoint: r.readPoint,
    bizLocation: r.bizLocation,
    source: r.source,
    destination: r.destination,
    voidSeq: r.voidSeq,
    recordedBy: r.recordedBy,
    recordedFrom: r.recordedFrom,
  };
}

const CaptureResult = z.object({
  results: z.array(
    z.object({
      eventId: z.string(),
      status: z.enum(['stored', 'duplicate', 'declared']).describe('duplicate: already stored with the same content (a retry); nothing written'),
      seq: z.number().int().describe('Log position of the stored event (of the original, for a duplicate)'),
      recordTime: z.string().nullable(),
    }),
  ),
  stored: z.number().int(),
  duplicates: z.number().int(),
  declared: z.number().int(),
});

/** Each outcome with the record time of what it points at (the original event, for a retry). */
export async function outcomeViews(store: EventStore, events: readonly CapturedEvent[], outcomes: readonly AppendOutcome[]) {
  const dupSeqs = outcomes.filter((o) => o.status === 'duplicate').map((o) => o.seq);
  const times = new Map((await store.eventsBySeq(dupSeqs)).map((r) => [r.seq, r.recordTime]));
  return outcomes.map((o, i) => ({ eventId: events[i]!.eventId, status: o.status, seq: o.seq, recordTime: o.status === 'duplicate' ? (times.get(o.seq) ?? null) : o.recordTime }));
}

/** Refuses the whole request when one event needs a permission the caller lacks (nothing is stored). */
export function authorizeEvents(principal: Principal, events: readonly CapturedEvent[]): void {
  requirePermission(principal, 'capture');
  const needsQuality = events.findIndex((e) => permissionFor(e) === 'quality');
  if (needsQuality >= 0) {
    try {
      requirePermission(principal, 'quality');
    } catch (e) {
      if (e instanceof LotlineError && e.code === 'FORBIDDEN') {
        throw new LotlineError('FORBIDDEN', `event ${needsQuality} is a hold, release, destruction, recall or error declaration, which the role ${principal.role} may not record; ask someone with the role quality. Nothing from this request was stored.`, {
          issues: [{ path: '$', reason: 'needs the role quality', index: needsQuality }],
        });
      }
      throw e;
    }
  }
}

export function registerEventRoutes(api: Api): void {
  api.route({
    method: 'POST',
    url: '/events',
    tag: 'events',
    summary: 'Capture native commands or EPCIS events: one, or an array (atomic)',
    description:
      'The body is one native command ({"cmd": "receive", …}, docs/native-format.md) or EPCIS 2.0 event ({"type": "ObjectEvent", …}), or an array of them. All are stored or none. Idempotent per eventID: sending the same event again answers `duplicate` with the original log position and record time. Holds, releases, destructions and error declarations need the role quality.',
    permission: 'capture',
    eventBody: true,
    body: z
      .union([z.record(z.string(), z.unknown()), z.array(z.unknown())], { error: 'the body must be a JSON object (one native command or EPCIS event) or an array of them' })
      .describe('A native command or EPCIS event, or an array of them'),
    responses: {
      200: { description: 'Every event was already stored (a retry): nothing written', schema: CaptureResult },
      201: { description: 'Stored', schema: CaptureResult },
      400: problem('Invalid events: every bad field with its JSON path (NATIVE_INVALID_FIELD), not JSON (INPUT_NOT_JSON), nested over 64 deep (INPUT_TOO_DEEP), a text over 65,536 characters (INPUT_STRING_TOO_LONG)'),
      409: problem('An eventID already stored with other content (EVENT_ID_CONFLICT)'),
      413: problem('The body is over --max-body (INPUT_TOO_LARGE), or holds more than 10,000 events (INPUT_TOO_MANY_EVENTS)'),
      415: problem('Not JSON (UNSUPPORTED_MEDIA_TYPE)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, principal }) => {
      // Read with the capture code (not only the route schema): its issues carry the path of every bad field.
      const { events, single } = readCaptureValue(req.body);
      authorizeEvents(principal, events);
      await refuseInvalidSignatures(events, api.quality);
      const outcomes = await api.writer.submit(events, { label: 'request', noun: 'request', single }, '$', api.contextOf(req, principal));
      const results = await outcomeViews(api.store, events, outcomes);
      const stored = outcomes.filter((o) => o.status === 'stored').length;
      const declared = outcomes.filter((o) => o.status === 'declared').length;
      if (stored + declared > 0) api.events.emit('appended');
      await api.afterCapture(outcomes);
      void reply.status(stored + declared > 0 ? 201 : 200);
      return { results, stored, duplicates: outcomes.length - stored - declared, declared };
    },
  });

  api.route({
    method: 'GET',
    url: '/events/:id',
    tag: 'events',
    summary: 'One stored event: what Lotline projected of it and its EPCIS body as stored',
    permission: 'read',
    params: z.object({ id: z.string().min(1).describe('The eventID (URL-encoded)') }).strict(),
    responses: {
      200: { description: 'The event', schema: z.object({ event: EventRowSchema, epcis: z.record(z.string(), z.unknown()) }) },
      404: problem('No event with this id (NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params }) => {
      const found = await api.store.eventById(params.id);
      if (!found) throw new LotlineError('NOT_FOUND', `no stored event has the eventID ${JSON.stringify(params.id)}`);
      return { event: eventRowView(found.row), epcis: found.body };
    },
  });
}
