/** Holds, signed releases and rejections, signature verification, and the exceptions workflow (docs/quality.md). */
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import { refJson } from '../../genealogy/trace.js';
import { verifySignatures } from '../../quality/e-signature.js';
import { acknowledge, assign, dismiss, resolve } from '../../quality/exceptions.js';
import { holdEvent } from '../../quality/holds.js';
import { checkSigner, DECISIONS, signDecision } from '../../quality/release.js';
import { retroactiveLinkEvent } from '../../quality/retroactive-link.js';
import { EXCEPTION_STATES } from '../../quality/quality-store.js';
import type { CapturedEvent } from '../../store/event-store.js';
import type { Api } from '../app.js';
import { refFrom } from '../ref-query.js';
import { COMMON_ERRORS, problem } from '../schemas.js';

const text = z.string().trim().min(1, 'must not be empty').max(500, 'is longer than 500 characters');
const dateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/, 'must be a date-time with offset, like 2026-05-04T10:00:00+02:00');

/** A lot: any identifier form as a string, or the plant's codes. */
const LotInput = z.union([
  z.string().min(1).describe('EPC URN, GS1 Digital Link, element string or urn:lotline:lot:ITEM:LOT'),
  z.object({ item: z.string().min(1).optional(), gtin: z.string().min(1).optional(), lot: z.string().min(1).optional(), serial: z.string().min(1).optional() }).strict(),
]);
type LotInput = z.infer<typeof LotInput>;

function lotRef(input: LotInput, path: string): ObjectRef {
  try {
    return refFrom(typeof input === 'string' ? { ref: input } : input, 'query');
  } catch (e) {
    if (e instanceof LotlineError) throw new LotlineError(e.code, `${path}: ${e.message}`, { issues: [{ path, reason: e.message }], cause: e });
    throw e;
  }
}

const lotsOf = (list: readonly LotInput[], path: string): ObjectRef[] => list.map((l, i) => lotRef(l, `${path}[${i}]`));

const SignatureSchema = z.object({
  signer: z.string(),
  printedName: z.string(),
  meaning: z.string(),
  signedAt: z.string().describe('Date and time of signing with its zone offset'),
  method: z.literal('password'),
  holdEventIds: z.array(z.string()).describe('The hold events the signed decision ends'),
  hash: z.string().describe('SHA-256 binding the signature to the event content and the holds'),
});

const ExceptionSchema = z.object({
  id: z.number().int(),
  key: z.string(),
  ruleId: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  subject: z.object({ kind: z.string(), ref: z.string() }),
  explanation: z.string(),
  eventIds: z.array(z.string()),
  site: z.string().nullable(),
  line: z.string().nullable(),
  detectedAt: z.string(),
  state: z.enum(EXCEPTION_STATES),
  owner: z.string().nullable(),
  dueAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  resolution: z.string().nullable(),
  updatedAt: z.string(),
});

const ChangeSchema = z.object({ seq: z.number().int(), exceptionId: z.number().int(), time: z.string(), actor: z.string(), action: z.string(), details: z.record(z.string(), z.unknown()) });
const IdParam = z.object({ id: z.coerce.number().int().min(1).describe('The exception id') }).strict();
const LinkLot = z.object({ lot: LotInput, quantity: z.number().finite().nonnegative().optional(), uom: z.string().regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec. 20 code like KGM').optional() }).strict();

export function registerHoldRoutes(api: Api): void {
  const { store, quality } = api;

  /** Stores quality events through the shared writer and tells the stream. */
  const storeEvents = async (events: CapturedEvent[], req: Parameters<Api['contextOf']>[0], principal: Parameters<Api['contextOf']>[1]) => {
    const outcomes = await api.writer.submit(events, { label: 'request', noun: 'request', single: events.length === 1 }, '$', api.contextOf(req, principal));
    if (outcomes.some((o) => o.status !== 'duplicate')) api.events.emit('appended');
    await api.afterCapture(outcomes);
    return outcomes;
  };

  api.route({
    method: 'POST',
    url: '/holds',
    tag: 'quality',
    summary: 'Hold lots: a list, a recall scope (the lots of a trace), optionally with every descendant',
    description:
      'Records one EPCIS ObjectEvent (bizStep holding, disposition non_sellable_other) naming every lot held, with the reason and reference. From then on the lots show as on hold; consuming or shipping one is recorded and raises a critical `held-lot-used` exception.',
    permission: 'quality',
    body: z
      .object({
        lots: z.array(LotInput).default([]),
        scope: z.object({ lot: LotInput, direction: z.enum(['forward', 'backward']) }).strict().optional().describe('Hold every lot of this trace'),
        descendants: z.boolean().default(false).describe('Also hold everything made from the lots (forward trace)'),
        reason: text,
        reference: text.optional().describe('Complaint, supplier notice, deviation number'),
        time: dateTime.optional().describe('When the hold was placed; default now'),
      })
      .strict(),
    responses: {
      201: { description: 'Held', schema: z.object({ eventId: z.string(), seq: z.number().int(), lots: z.array(z.record(z.string(), z.string())) }) },
      400: problem('Bad field (INPUT_INVALID, ID_*)'),
      404: problem('A lot no event names (LOT_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, body, principal }) => {
      const { event, lots } = await holdEvent(store, {
        lots: lotsOf(body.lots, '$.lots'),
        ...(body.scope ? { scope: { ref: lotRef(body.scope.lot, '$.scope.lot'), direction: body.scope.direction } } : {}),
        descendants: body.descendants,
        reason: body.reason,
        ...(body.reference !== undefined ? { reference: body.reference } : {}),
        ...(body.time !== undefined ? { time: body.time } : {}),
      });
      const [outcome] = await storeEvents([event], req, principal);
      void reply.status(201);
      return { eventId: event.eventId, seq: outcome!.seq, lots: lots.map(refJson) };
    },
  });

  api.route({
    method: 'POST',
    url: '/releases',
    tag: 'quality',
    summary: 'Release or reject held lots, with an electronic signature',
    description:
      'The signed-in quality user types the password again and states the meaning (`released after retest`, `rejected`). The signature (printed name, date and time with zone, meaning, and a hash binding it to the event and the holds it ends) is stored inside the release event (`lotline:signatures`). A wrong password counts towards the lock. With four-eyes (`--signatures 2`), the first signature answers 202 `pending`; the decision is stored when a second quality user signs.',
    permission: 'quality',
    body: z
      .object({
        lots: z.array(LotInput).min(1, 'needs at least one lot'),
        decision: z.enum(DECISIONS).describe('release: the lots may be used again; reject: they are destroyed'),
        meaning: text.describe('What the signature means, e.g. "released after retest"'),
        password: z.string().min(1, 'must not be empty').describe("The signer's password, typed again for this signature"),
        reason: text.optional(),
      })
      .strict(),
    responses: {
      ...COMMON_ERRORS,
      201: { description: 'Signed and stored', schema: z.object({ status: z.literal('complete'), eventId: z.string(), seq: z.number().int(), signatures: z.array(SignatureSchema) }) },
      202: { description: 'Signed; waiting for the second signature (four-eyes)', schema: z.object({ status: z.literal('pending'), required: z.number().int(), signatures: z.array(SignatureSchema) }) },
      400: problem('Bad field (INPUT_INVALID)'),
      401: problem('Wrong password (AUTH_FAILED): counts towards the lock'),
      403: problem('Not a quality user, an API key, or the same signer twice (SIGNATURE_REFUSED)'),
      409: problem('A lot is not on hold (LOT_NOT_HELD), or the signer has no full name to print (SIGNER_NAME_MISSING)'),
      423: problem('Locked after repeated wrong passwords (ACCOUNT_LOCKED)'),
    },
    handler: async ({ req, reply, body, principal }) => {
      checkSigner(principal);
      const outcome = await signDecision(
        { store, identity: api.identity, quality, policy: api.options.policy, signaturesRequired: api.options.signaturesRequired },
        principal,
        req.ip,
        { lots: lotsOf(body.lots, '$.lots'), decision: body.decision, meaning: body.meaning, password: body.password, ...(body.reason !== undefined ? { reason: body.reason } : {}) },
      );
      if (outcome.status === 'pending') {
        void reply.status(202);
        return { status: 'pending' as const, required: outcome.required, signatures: outcome.signatures };
      }
      const [stored] = await storeEvents([outcome.event], req, principal);
      await quality.deletePending(outcome.key);
      void reply.status(201);
      return { status: 'complete' as const, eventId: outcome.event.eventId, seq: stored!.seq, signatures: outcome.signatures };
    },
  });

  api.route({
    method: 'GET',
    url: '/events/:id/signatures',
    tag: 'quality',
    summary: 'Verify the electronic signatures of a stored event',
    description: 'Recomputes each signature’s hash over the event as stored and the holds it ends, and looks it up in the signature ledger. A signature copied from another record does not verify.',
    permission: 'read',
    params: z.object({ id: z.string().min(1).describe('The eventID (URL-encoded)') }).strict(),
    responses: {
      200: {
        description: 'The verification',
        schema: z.object({
          eventId: z.string(),
          signed: z.boolean(),
          valid: z.boolean(),
          signatures: z.array(z.object({ signer: z.string().nullable(), printedName: z.string().nullable(), meaning: z.string().nullable(), signedAt: z.string().nullable(), valid: z.boolean(), reason: z.string().nullable() })),
        }),
      },
      404: problem('No event with this id (NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params }) => {
      const found = await store.eventById(params.id);
      if (!found) throw new LotlineError('NOT_FOUND', `no stored event has the eventID ${JSON.stringify(params.id)}`);
      return { eventId: params.id, ...(await verifySignatures(found.body, quality)) };
    },
  });

  api.route({
    method: 'GET',
    url: '/exceptions',
    tag: 'quality',
    summary: 'Exceptions by lot, line, rule, state and detection period, newest first',
    permission: 'read',
    query: z
      .object({
        lot: z.string().min(1).optional().describe('A lot in any identifier form'),
        line: z.string().min(1).optional(),
        rule: z.string().min(1).optional().describe('A rule id, e.g. held-lot-used'),
        state: z.enum(EXCEPTION_STATES).optional(),
        from: dateTime.optional().describe('Detected at or after'),
        to: dateTime.optional().describe('Detected before'),
        limit: z.coerce.number().int().min(1).max(10_000).default(1000),
      })
      .strict(),
    responses: { 200: { description: 'The exceptions', schema: z.object({ exceptions: z.array(ExceptionSchema) }) }, 400: problem('Bad filter (INPUT_INVALID, ID_*)'), ...COMMON_ERRORS },
    handler: async ({ query }) => ({
      exceptions: await quality.queryExceptions({
        ...(query.lot !== undefined ? { lot: lotlineUri(lotRef(query.lot, 'query.lot')) } : {}),
        ...(query.line !== undefined ? { line: query.line } : {}),
        ...(query.rule !== undefined ? { ruleId: query.rule } : {}),
        ...(query.state !== undefined ? { state: query.state } : {}),
        ...(query.from !== undefined ? { from: new Date(query.from).toISOString() } : {}),
        ...(query.to !== undefined ? { to: new Date(query.to).toISOString() } : {}),
        limit: query.limit,
      }),
    }),
  });

  api.route({
    method: 'GET',
    url: '/exceptions/:id',
    tag: 'quality',
    summary: 'One exception with its full history (who, when, what)',
    permission: 'read',
    params: IdParam,
    responses: { 200: { description: 'The exception', schema: z.object({ exception: ExceptionSchema, history: z.array(ChangeSchema) }) }, 404: problem('No such exception (NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ params }) => {
      const exception = await quality.getException(params.id);
      if (!exception) throw new LotlineError('NOT_FOUND', `no exception has the id ${params.id}`);
      return { exception, history: await quality.historyOf(params.id) };
    },
  });

  const changeResponses = {
    200: { description: 'The exception as changed', schema: z.object({ exception: ExceptionSchema }) },
    400: problem('Bad field (INPUT_INVALID)'),
    404: problem('No such exception (NOT_FOUND)'),
    409: problem('Not possible from its state (EXCEPTION_STATE)'),
    ...COMMON_ERRORS,
  };
  const OwnerBody = z.object({ owner: text.optional().describe('Default: the caller'), dueAt: dateTime.optional() }).strict();

  api.route({
    method: 'POST',
    url: '/exceptions/:id/acknowledge',
    tag: 'quality',
    summary: 'Take an open exception on (owner, due time)',
    permission: 'capture',
    params: IdParam,
    body: OwnerBody,
    responses: changeResponses,
    handler: async ({ params, body, principal }) => ({ exception: await acknowledge(quality, params.id, strip(body), principal.actor) }),
  });

  api.route({
    method: 'POST',
    url: '/exceptions/:id/assign',
    tag: 'quality',
    summary: 'Give an unfinished exception another owner or due time',
    permission: 'capture',
    params: IdParam,
    body: OwnerBody,
    responses: changeResponses,
    handler: async ({ params, body, principal }) => ({ exception: await assign(quality, params.id, strip(body), principal.actor) }),
  });

  api.route({
    method: 'POST',
    url: '/exceptions/:id/resolve',
    tag: 'quality',
    summary: 'Resolve an exception; for a missing link, record the link retroactively',
    description:
      'With `link`, the caller confirms "these inputs went into that batch": a corrective TransformationEvent is stored, attributed to the caller, marked `lotline:retroactive` with the exception id, and shown as retroactive in every trace (`links[].retroactive`).',
    permission: 'capture',
    params: IdParam,
    body: z
      .object({
        note: text.describe('How it was resolved'),
        link: z
          .object({ inputs: z.array(LinkLot).min(1, 'needs at least one input'), outputs: z.array(LinkLot).default([]), batch: text.optional(), time: dateTime.describe('When the inputs went in') })
          .strict()
          .optional(),
      })
      .strict(),
    responses: { ...changeResponses, 200: { description: 'The exception as changed, and the corrective event', schema: z.object({ exception: ExceptionSchema, correctiveEventId: z.string().nullable() }) } },
    handler: async ({ req, params, body, principal }) => {
      const current = await quality.getException(params.id);
      if (!current) throw new LotlineError('NOT_FOUND', `no exception has the id ${params.id}`);
      if (current.state !== 'open' && current.state !== 'acknowledged') throw new LotlineError('EXCEPTION_STATE', `exception ${params.id} is ${current.state}; it can be resolved only when open or acknowledged`);
      let correctiveEventId: string | null = null;
      if (body.link) {
        const toLot = (l: z.infer<typeof LinkLot>, path: string) => ({ ref: lotRef(l.lot, path), ...(l.quantity !== undefined ? { quantity: l.quantity } : {}), ...(l.uom !== undefined ? { uom: l.uom } : {}) });
        const event = retroactiveLinkEvent(
          {
            inputs: body.link.inputs.map((l, i) => toLot(l, `$.link.inputs[${i}].lot`)),
            outputs: body.link.outputs.map((l, i) => toLot(l, `$.link.outputs[${i}].lot`)),
            ...(body.link.batch !== undefined ? { batch: body.link.batch } : {}),
            time: body.link.time,
          },
          params.id,
          principal.actor,
        );
        await storeEvents([event], req, principal);
        correctiveEventId = event.eventId;
      }
      const exception = await resolve(quality, params.id, body.note, principal.actor, correctiveEventId ? { correctiveEventId, retroactive: true } : {});
      return { exception, correctiveEventId };
    },
  });

  api.route({
    method: 'POST',
    url: '/exceptions/:id/dismiss',
    tag: 'quality',
    summary: 'Dismiss an exception as not a problem, with the reason (role quality)',
    permission: 'quality',
    params: IdParam,
    body: z.object({ reason: text }).strict(),
    responses: changeResponses,
    handler: async ({ params, body, principal }) => ({ exception: await dismiss(quality, params.id, body.reason, principal.actor) }),
  });
}

function strip(body: { owner?: string | undefined; dueAt?: string | undefined }): { owner?: string; dueAt?: string } {
  return { ...(body.owner !== undefined ? { owner: body.owner } : {}), ...(body.dueAt !== undefined ? { dueAt: body.dueAt } : {}) };
}
