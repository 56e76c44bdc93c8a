/**
 * The live stream (Server-Sent Events): every newly stored event, filtered by lot, item or
 * location. It follows the log by position, so it also sees events written by another process
 * (the CLI, a second server) within one poll interval; events captured through this server are
 * sent at once. A client that reconnects with Last-Event-ID misses nothing.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import { locationUri, lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import type { Alert } from '../../quality/alerts.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import { refKey } from '../../domain/identifiers/object-ref.js';
import { refJson } from '../../genealogy/trace.js';
import type { Finding } from '../../quality/finding.js';
import { FINDING_EVENT } from '../../quality/finding-sinks.js';
import type { EventRow } from '../../store/event-store.js';
import type { Api } from '../app.js';
import { RefQuery, refFrom } from '../ref-query.js';
import { COMMON_ERRORS, problem } from '../schemas.js';
import { eventRowView } from './event-routes.js';

const BATCH = 500;

/** A location as native commands write it: a URI as is, a GLN as its Digital Link, a name as a Lotline URN. */
function placeUri(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  if (/^\d{13}$/.test(value)) return `https://id.gs1.org/414/${value}`;
  try {
    return locationUri(value);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new LotlineError('INPUT_INVALID', `query.location: ${reason}`, { issues: [{ path: 'query.location', reason }], cause: e });
  }
}
const HEARTBEAT_MS = 15_000;

export function registerStreamRoutes(api: Api, app: FastifyInstance): void {
  const { store } = api;
  const open = new Set<ServerResponse>();
  // Shutdown must not wait for streams that never end on their own.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  api.route({
    method: 'GET',
    url: '/stream',
    tag: 'stream',
    summary: 'Server-Sent Events: newly stored events, optionally only those naming a lot, an item or a location',
    description:
      'Each message is `event: event`, `id: <log position>`, `data: <JSON>` (the event row, its objects, and its EPCIS body). Quality alerts arrive as `event: alert` with `data: {kind, severity, exception, time}` (`exception.opened`: a new exception, such as a held lot consumed or shipped; `exception.escalated`: overdue); with a lot filter, only the alerts about that lot. When the server runs the gap rules, each new finding comes as `event: finding`, `data: <Finding JSON>` (docs/quality-rules.md): on a stream filtered by lot, only findings about that lot; on an unfiltered stream, all. Send Last-Event-ID (browsers do on reconnect) or `since` to resume after a log position; by default the stream starts at the current end of the log. A comment line every 15 s keeps proxies from closing it.',
    permission: 'read',
    query: z
      .object({
        ...RefQuery,
        location: z.string().min(1).optional().describe('A location URI (urn:epc:id:sgln:…, urn:lotline:loc:…) or a plant location name'),
        since: z.coerce.number().int().min(0).optional().describe('Resume after this log position'),
      })
      .strict(),
    responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' }, 400: problem('Bad filter (INPUT_INVALID, ID_*)'), ...COMMON_ERRORS },
    handler: async ({ req, reply, query }) => {
      const hasRef = query.ref !== undefined || query.lot !== undefined || query.serial !== undefined;
      const lot: ObjectRef | undefined = hasRef ? refFrom(query, 'query') : undefined;
      const lotKey = lot ? refKey(lot) : undefined;
      const item = !hasRef ? (query.item ?? query.gtin) : undefined;
      const location = query.location === undefined ? undefined : placeUri(query.location);
      const lastEventId = req.headers['last-event-id'];
      if (lastEventId !== undefined && !/^\d+$/.test(String(lastEventId))) {
        throw new LotlineError('INPUT_INVALID', 'Last-Event-ID must be a log position (a whole number)', { issues: [{ path: 'header.last-event-id', reason: 'must be a whole number' }] });
      }
      let last = lastEventId !== undefined ? Number(lastEventId) : (query.since ?? (await store.headSeq()));

      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(`retry: 2000\n: lotline stream from log position ${last}\n\n`);
      open.add(res);

      let running = false;
      let again = false;
      const pump = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            for (;;) {
              const rows = await store.queryEvents({ afterSeq: last, limit: BATCH });
              if (rows.length === 0) break;
              await send(rows);
              last = rows[rows.length - 1]!.seq;
              if (rows.length < BATCH) break;
            }
          } while (again && !res.writableEnded);
        } catch (e) {
          req.log.error({ err: e }, 'live stream failed');
          res.end();
        } finally {
          running = false;
        }
      };
      const send = async (rows: EventRow[]): Promise<void> => {
        const seqs = rows.map((r) => r.seq);
        const objects = await store.eventObjectsOfEvents(seqs);
        const nodes = new Map((await store.nodesById([...new Set(objects.map((o) => o.node))])).map((n) => [n.id, n.ref]));
        const bodies = await store.eventBodies(seqs);
        for (const r of rows) {
          const mine = objects.filter((o) => o.seq === r.seq).map((o) => ({ ...o, ref: nodes.get(o.node)! }));
          if (lotKey !== undefined && !mine.some((o) => refKey(o.ref) === lotKey)) continue;
          if (item !== undefined && !mine.some((o) => 'item' in o.ref && (o.ref.item === item || o.ref.item.padStart(14, '0') === item.padStart(14, '0')))) continue;
          if (location !== undefined && r.bizLocation !== location && r.readPoint !== location) continue;
          const data = { ...eventRowView(r), objects: mine.map((o) => ({ ...refJson(o.ref), kind: o.ref.kind, role: o.role, quantity: o.quantity, uom: o.uom })), epcis: bodies.get(r.seq) };
          res.write(`id: ${r.seq}\nevent: event\ndata: ${JSON.stringify(data)}\n\n`);
        }
      };
      const onAppended = (): void => void pump();
      api.events.on('appended', onAppended);
      // Findings of the gap rules: those about the lot asked for, or all of them on an unfiltered stream.
      const lotUri = lot ? lotlineUri(lot) : undefined;
      const onFinding = (f: Finding): void => {
        if ((lotUri !== undefined && f.subject.ref !== lotUri) || (lotUri === undefined && (item !== undefined || location !== undefined))) return;
        res.write(`event: ${FINDING_EVENT}\ndata: ${JSON.stringify(f)}\n\n`);
      };
      api.events.on(FINDING_EVENT, onFinding);
      // Alerts (a held lot used, an exception opened or escalated) go out as they happen, with no log position.
      const onAlert = (alert: Alert): void => {
        if (lotUri !== undefined && alert.exception.subject.ref !== lotUri) return;
        res.write(`event: alert\ndata: ${JSON.stringify(alert)}\n\n`);
      };
      api.events.on('alert', onAlert);
      const poll = setInterval(onAppended, api.options.streamPollMs);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const stop = (): void => {
        api.events.off('appended', onAppended);
        api.events.off(FINDING_EVENT, onFinding);
        api.events.off('alert', onAlert);
        clearInterval(poll);
        clearInterval(heartbeat);
        open.delete(res);
      };
      res.on('close', stop);
      void pump();
      return reply;
    },
  });
}
