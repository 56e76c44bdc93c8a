/**
 * Lot states read many at a time: the lots on hold now (the dashboard), and the statuses of many
 * lots in one request (the genealogy drawing colours every lot it draws).
 */
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import { parseRef } from '../../domain/identifiers/index.js';
import { refKey } from '../../domain/identifiers/object-ref.js';
import { LOT_STATUSES, lotStates } from '../../genealogy/lot-state.js';
import { lotsOnHold } from '../../genealogy/lots-on-hold.js';
import type { Api } from '../app.js';
import { COMMON_ERRORS, problem } from '../schemas.js';

/** The most refs one status request may name: a drawing colours at most this many lots at once. */
export const MAX_STATUS_REFS = 1000;

export function registerLotStatusRoutes(api: Api): void {
  const { store } = api;

  api.route({
    method: 'GET',
    url: '/holds',
    tag: 'quality',
    summary: 'Lots on hold now, the most recently held first',
    description: 'Every lot a hold named that is still on hold (not released, rejected, consumed away or recalled since), with the hold’s time, reason and event, the quantity on hand and where it is.',
    permission: 'read',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict(),
    responses: {
      200: {
        description: 'The held lots (`total` counts them all, `lots` at most `limit`)',
        schema: z.object({
          total: z.number().int(),
          lots: z.array(
            z.object({
              ref: z.string().describe('What GET /lots/{ref} takes'),
              label: z.string(),
              since: z.string(),
              reason: z.string().nullable(),
              eventId: z.string(),
              onHand: z.object({ quantity: z.number(), uom: z.string() }).nullable(),
              location: z.string().nullable(),
            }),
          ),
        }),
      },
      400: problem('Bad limit (INPUT_INVALID)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ query }) => lotsOnHold(store, query.limit),
  });

  api.route({
    method: 'POST',
    url: '/lots/status',
    tag: 'lots',
    summary: `Statuses of many lots in one request (at most ${MAX_STATUS_REFS})`,
    description: 'Each ref in any identifier form; the answer lists them in the order asked, with the status (released, on_hold, consumed, shipped, recalled, destroyed; `unit` for a pallet or case) or `unknown` when no event names it.',
    permission: 'read',
    body: z
      .object({
        refs: z
          .array(z.string().min(1, 'must not be empty'))
          .min(1, 'must name at least one lot')
          .max(MAX_STATUS_REFS, `names more than ${MAX_STATUS_REFS} lots: ask in several requests`),
      })
      .strict(),
    responses: {
      200: {
        description: 'One status per ref asked, in order',
        schema: z.object({
          statuses: z.array(z.object({ ref: z.string().describe('As asked'), status: z.enum([...LOT_STATUSES, 'unit', 'unknown']), hold: z.object({ since: z.string(), reason: z.string().nullable() }).nullable() })),
        }),
      },
      400: problem('No refs, more than the limit, or a ref that is not an identifier (INPUT_INVALID, ID_*), naming its place in the list'),
      ...COMMON_ERRORS,
    },
    handler: async ({ body }) => {
      const refs = body.refs.map((r, i) => {
        try {
          return parseRef(r);
        } catch (e) {
          if (e instanceof LotlineError) throw new LotlineError(e.code, `$.refs[${i}]: ${e.message}`, { issues: [{ path: `$.refs[${i}]`, reason: e.message }], cause: e });
          throw e;
        }
      });
      const found = await store.findNodes(refs);
      const stored = new Set([...found.values()].map((n) => lotlineUri(n.ref)));
      // one batched read for every stored lot (a drawing asks for up to MAX_STATUS_REFS at once), not one per lot
      const lots = refs.filter((ref) => ref.kind !== 'unit' && stored.has(lotlineUri(ref)));
      const states = await lotStates(store, lots);
      const statuses = refs.map((ref, i) => {
        const asked = body.refs[i]!;
        if (!stored.has(lotlineUri(ref))) return { ref: asked, status: 'unknown' as const, hold: null };
        if (ref.kind === 'unit') return { ref: asked, status: 'unit' as const, hold: null };
        const st = states.get(refKey(ref))!;
        return { ref: asked, status: st.status, hold: st.hold ? { since: st.hold.since, reason: st.hold.reason } : null };
      });
      return { statuses };
    },
  });
}
