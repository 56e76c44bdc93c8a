/** Scan stations: their configuration (admin) and POST /scan, which turns raw barcodes into events. */
import { z } from 'zod';
import type { ScanDeps } from '../../capture/scan/scan-service.js';
import { handleScan, stationState } from '../../capture/scan/scan-service.js';
import { newStation, StationInputSchema } from '../../capture/scan/station-config.js';
import type { StationRecord, StationStore } from '../../capture/scan/station-store.js';
import { STATION_ROLES } from '../../capture/scan/station-store.js';
import { LotlineError } from '../../domain/errors.js';
import type { Api } from '../app.js';
import { COMMON_ERRORS, problem } from '../schemas.js';

const StationView = z.object({
  id: z.string(),
  site: z.string(),
  line: z.string().nullable(),
  role: z.enum(STATION_ROLES),
  defaults: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  createdBy: z.string(),
});
const view = (s: StationRecord) => ({ id: s.id, site: s.site, line: s.line, role: s.role, defaults: { ...s.defaults }, createdAt: s.createdAt, createdBy: s.createdBy });
const IdParam = z.object({ id: z.string().min(1) }).strict();

const ScanAnswer = z.object({
  station: z.string(),
  status: z.enum(['accepted', 'completed', 'cancelled', 'duplicate']).describe('completed: the sequence made an event'),
  understood: z.string().describe('What the scan was read as, in a few words'),
  next: z.string().describe('What the station expects next'),
  eventId: z.string().optional().describe('The event made, when status is completed'),
  read: z.unknown().optional().describe('The barcode as read: GS1 elements (AI and value) or plain text'),
  sequence: z.array(z.string()).describe('What the current sequence holds'),
});

/** What a scan needs from the server: the stations, the store, and captures through the server's group committer. */
export function scanDepsOf(api: Api, stations: StationStore): ScanDeps {
  return { stations, store: api.store, capture: (events, context) => api.writer.submit(events, { label: 'scan', noun: 'request', single: true }, '$', context) };
}

export function registerScanRoutes(api: Api, stations: StationStore): void {
  const deps = scanDepsOf(api, stations);
  api.route({
    method: 'POST',
    url: '/scan',
    tag: 'scan',
    summary: 'One scan at a station: answers what it understood and what the station expects next',
    description:
      'The body names the station and what the scanner sent: a GS1 element string (`]C1…`, `]d2…`, `]Q3…`, FNC1 as ASCII 29, `<GS>` or `{GS}`), the bracketed form `(01)…(10)…`, a GS1 Digital Link, or plain text (an order or PO number, a lot code). `{"station", "action": "cancel"}` drops the sequence. A scan that does not fit is refused (SCAN_REFUSED, 422) and changes nothing. docs/integrations/scanners.md describes each station role.',
    permission: 'capture',
    body: z
      .object({
        station: z.string().min(1).describe('Station id'),
        barcode: z.string().min(1, 'must not be empty').max(4096, 'is longer than 4096 characters').optional().describe('What the scanner sent'),
        action: z.enum(['cancel']).optional().describe('cancel: drop the current sequence'),
      })
      .strict(),
    responses: {
      200: { description: 'Understood; nothing stored yet (or the sequence was cancelled)', schema: ScanAnswer },
      201: { description: 'The sequence completed: its event was stored', schema: ScanAnswer },
      400: problem('Unreadable barcode: the AI, its position and the reason (ID_INVALID, ID_BAD_CHECK_DIGIT), or a bad body (INPUT_INVALID)'),
      404: problem('No such station (STATION_NOT_FOUND)'),
      422: problem('Refused: wrong item, lot on hold, already consumed, unknown lot, out of sequence (SCAN_REFUSED)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, body, principal }) => {
      const result = await handleScan(
        deps,
        { station: body.station, ...(body.barcode !== undefined ? { barcode: body.barcode } : {}), ...(body.action !== undefined ? { action: body.action } : {}) },
        api.contextOf(req, principal),
      );
      if (result.status === 'completed') {
        api.events.emit('appended');
        void reply.status(201);
      }
      return result;
    },
  });

  api.route({
    method: 'GET',
    url: '/stations',
    tag: 'scan',
    summary: 'Every scan station',
    permission: 'read',
    responses: { 200: { description: 'The stations, by id', schema: z.object({ stations: z.array(StationView) }) }, ...COMMON_ERRORS },
    handler: async () => ({ stations: (await stations.listStations()).map(view) }),
  });

  api.route({
    method: 'GET',
    url: '/stations/:id',
    tag: 'scan',
    summary: "A station's configuration and where its current sequence is",
    permission: 'read',
    params: IdParam,
    responses: {
      200: { description: 'The station', schema: z.object({ station: StationView, expects: z.string(), sequence: z.array(z.string()), completed: z.number().int() }) },
      404: problem('No such station (STATION_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params }) => {
      const { station, state, expects } = await stationState(stations, params.id);
      return { station: view(station), expects, sequence: state.items.map((i) => i.label).concat(state.receipt ? [state.receipt.item.label] : []), completed: state.completed };
    },
  });

  api.route({
    method: 'POST',
    url: '/stations',
    tag: 'scan',
    summary: 'Add a scan station (admin)',
    permission: 'admin',
    body: StationInputSchema,
    responses: {
      201: { description: 'Added', schema: StationView },
      400: problem('Invalid field (INPUT_INVALID, ID_BAD_CHECK_DIGIT)'),
      409: problem('The id is taken (STATION_EXISTS)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ reply, body, principal }) => {
      const station = newStation(body, principal.actor);
      await stations.insertStation(station);
      void reply.status(201);
      return view(station);
    },
  });

  api.route({
    method: 'PUT',
    url: '/stations/:id',
    tag: 'scan',
    summary: "Change a scan station's site, line, role and defaults (admin)",
    description: 'The body is the whole station, as for POST /stations; `id` may be left out and, given, must be the id of the path. The station keeps its sequence in progress, its creation time and creator.',
    permission: 'admin',
    params: IdParam,
    body: StationInputSchema.extend({ id: StationInputSchema.shape.id.optional() }),
    responses: {
      200: { description: 'Changed', schema: StationView },
      400: problem('Invalid field, or an id that is not the one of the path (INPUT_INVALID, ID_BAD_CHECK_DIGIT)'),
      404: problem('No such station (STATION_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params, body }) => {
      if (body.id !== undefined && body.id !== params.id) {
        throw new LotlineError('INPUT_INVALID', `id: ${JSON.stringify(body.id)} is not the station of the path (${JSON.stringify(params.id)}); a station's id cannot change`, { issues: [{ path: '$.id', reason: 'is not the station of the path; a station\'s id cannot change' }] });
      }
      const old = await stations.getStation(params.id);
      if (!old) throw new LotlineError('STATION_NOT_FOUND', `there is no scan station ${JSON.stringify(params.id)}`);
      const changed = { ...newStation({ ...body, id: params.id }, old.createdBy), createdAt: old.createdAt };
      if (!(await stations.updateStation(changed))) throw new LotlineError('STATION_NOT_FOUND', `there is no scan station ${JSON.stringify(params.id)}`);
      return view(changed);
    },
  });

  api.route({
    method: 'DELETE',
    url: '/stations/:id',
    tag: 'scan',
    summary: 'Remove a scan station and its unfinished sequence (admin)',
    permission: 'admin',
    params: IdParam,
    responses: { 204: { description: 'Removed' }, 404: problem('No such station (STATION_NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ params, reply }) => {
      if (!(await stations.removeStation(params.id))) throw new LotlineError('STATION_NOT_FOUND', `there is no scan station ${JSON.stringify(params.id)}`);
      void reply.status(204);
      return null;
    },
  });
}
