/**
 * The genealogy dossier over HTTP: the same use case as `lotline report dossier`, as a PDF or a
 * self-contained HTML page. The response headers carry the content hash and the log position, so
 * a script can file them beside the document.
 */
import { z } from 'zod';
import { DOSSIER_FORMATS, DOSSIER_MEDIA_TYPES, dossierFile } from '../../reports/dossier/dossier-report.js';
import type { Api } from '../app.js';
import { RefQuery, refFrom, resolveStored } from '../ref-query.js';
import { COMMON_ERRORS, problem } from '../schemas.js';
import { time } from './lot-routes.js';

const DossierQuery = z
  .object({
    lot: z.string().min(1).optional().describe('The lot: EPC URN, GS1 Digital Link, element string or Lotline URN (or item/gtin with lot as plant codes)'),
    ref: RefQuery.ref,
    item: RefQuery.item,
    gtin: RefQuery.gtin,
    format: z.enum(DOSSIER_FORMATS).default('pdf').describe('pdf (default) or html'),
    asOf: time('The record as known at this instant (the footer of a dossier prints it); default now'),
  })
  .strict();

export function registerDossierRoutes(api: Api): void {
  const { store, quality } = api;
  api.route({
    method: 'GET',
    url: '/reports/dossier',
    tag: 'reports',
    summary: 'Genealogy dossier of one lot (PDF or HTML): both traces with quantities, a drawing of the graph, every event, holds and signatures, exceptions, shipments',
    description:
      'Give the lot as `lot` (any identifier form), or as plant codes with `item` (or `gtin`) and `lot`. The footer of every page carries the generation time and user, the log position and chain hash it reflects, and the SHA-256 of its content; `Lotline-Content-Hash` and `Lotline-As-Of` repeat them. See docs/reports/dossier.md.',
    permission: 'read',
    query: DossierQuery,
    responses: {
      200: { description: 'application/pdf, or text/html; Content-Disposition names the file', contentType: 'application/pdf', headers: { 'Content-Disposition': 'attachment; filename="dossier-….pdf" (or .html)', 'Lotline-Content-Hash': 'SHA-256 of the dossier content' } },
      400: problem('A bad parameter, with its name (INPUT_INVALID, ID_*); a logistic unit instead of a lot (USAGE)'),
      404: problem('No event names the lot (LOT_NOT_FOUND)'),
      422: problem('The chain has too many lots for a dossier (DOSSIER_TOO_LARGE)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ reply, query, principal }) => {
      const byCodes = query.item !== undefined || query.gtin !== undefined;
      // With item or gtin, `lot` is the lot code; alone, it is the lot's identifier.
      const ref = refFrom(byCodes ? { item: query.item, gtin: query.gtin, lot: query.lot } : { ref: query.lot ?? query.ref }, 'query');
      const root = await resolveStored(store, ref, query.item !== undefined);
      const file = await dossierFile(store, quality, root, query.format, { ...(query.asOf !== undefined ? { asOf: query.asOf } : {}), generatedBy: principal.actor });
      const name = `dossier-${file.dossier.data.label.replace(/[^A-Za-z0-9._-]+/g, '_')}.${query.format}`;
      void reply
        .type(DOSSIER_MEDIA_TYPES[query.format])
        .header('Content-Disposition', `attachment; filename="${name}"`)
        .header('Lotline-Content-Hash', file.hash)
        .header('Lotline-As-Of', file.dossier.stamp.asOf)
        .header('Lotline-As-Of-Seq', String(file.dossier.stamp.logSeq));
      return file.content;
    },
  });
}
