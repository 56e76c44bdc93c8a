/**
 * One search box for the web pages: whatever a person types or a scanner sends. A GS1 barcode
 * (element string, raw scanner form, Digital Link) names one object, so the answer says "go
 * straight there"; anything else is searched as a lot code, supplier lot code, item, GTIN or SSCC.
 */
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import type { ObjectRef } from '../../domain/identifiers/index.js';
import { normalizeGtin, parseRef } from '../../domain/identifiers/index.js';
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import { refLabel } from '../../domain/identifiers/object-ref.js';
import { readBarcode } from '../../capture/scan/read-barcode.js';
import type { NodeRow } from '../../store/event-store.js';
import type { Api } from '../app.js';
import { searchByTerm } from '../search-by-term.js';
import { COMMON_ERRORS, problem } from '../schemas.js';

const Hit = z.object({
  ref: z.string().describe('What GET /lots/{ref} takes (urn:lotline:…)'),
  kind: z.string().describe('lot, serial or unit'),
  label: z.string().describe('ITEM / LOT, or SSCC …'),
  match: z.enum(['code', 'document', 'party']).describe('What the text matched: a code (lot, supplier lot, item, GTIN, SSCC), an order or document number, or a party name'),
  group: z.string().describe('The heading a search box lists it under: `Lots`, `Pallets and cases`, `Sales order SO-2026-701`, `Customer FreshMart DC South`'),
  via: z.string().nullable().describe('For a document or party match: the event it was found through, in a few words (`shipped 2026-05-05 to FreshMart DC South`)'),
});

const CODE_GROUPS: Record<string, string> = { lot: 'Lots', serial: 'Serial numbers', unit: 'Pallets and cases', class: 'Items' };

export function registerSearchRoutes(api: Api): void {
  const { store } = api;
  const hit = (n: NodeRow) => ({ ref: lotlineUri(n.ref), kind: n.ref.kind, label: refLabel(n.ref), match: 'code' as const, group: CODE_GROUPS[n.ref.kind] ?? 'Other', via: null });

  api.route({
    method: 'GET',
    url: '/search',
    tag: 'lots',
    summary: 'Search as you type: a lot code (or its beginning), supplier lot code, item, GTIN, SSCC, order or document number, customer or supplier, or a scanned barcode',
    description:
      'A GS1 barcode (with or without symbology identifier and GS separators, the bracketed form, or a Digital Link) names one object: when it is stored, `direct` is its ref and a page goes straight to it. `barcode` says what the barcode named even when nothing is stored under it. Text that begins an order or document number (purchase, production or sales order, despatch advice) or a customer\'s or supplier\'s name (as events name them, or as master data names them) also finds the lots and pallets of those events, newest first, under a `group` per document or party; codes come first, then up to `limit` of these.',
    permission: 'read',
    query: z.object({ q: z.string().trim().min(1, 'must not be empty').max(500, 'is longer than 500 characters'), limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(),
    responses: {
      200: {
        description: 'Matches, best first',
        schema: z.object({
          direct: z.string().nullable().describe('The ref to open at once: the object a barcode or identifier named, when stored'),
          barcode: z.string().nullable().describe('What a GS1 barcode named, as ITEM / LOT or SSCC …; null when the text was not a GS1 barcode'),
          results: z.array(Hit),
        }),
      },
      400: problem('Empty q, or a GS1 barcode with a bad field (INPUT_INVALID, ID_INVALID, ID_BAD_CHECK_DIGIT)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ query }) => {
      const q = query.q;
      let named: ObjectRef | undefined;
      let barcode: string | null = null;
      try {
        const reading = readBarcode(q);
        if (reading.kind === 'gs1' && reading.ref) named = reading.ref;
      } catch (e) {
        // A barcode with a bad check digit is a wrong scan: say so, naming the field, rather than searching for it as text.
        if (e instanceof LotlineError) throw new LotlineError(e.code, `query.q: ${e.message}`, { issues: [{ path: 'query.q', reason: e.message }], cause: e });
        throw e;
      }
      if (!named && /^(urn|https?):/i.test(q)) {
        try {
          const ref = parseRef(q);
          if (ref.kind !== 'other') named = ref;
        } catch {
          /* not an identifier: searched as text below */
        }
      }
      if (named) barcode = refLabel(named);
      const found = new Map<number, ReturnType<typeof hit>>();
      let direct: string | null = null;
      if (named) {
        const node = [...(await store.findNodes([named])).values()][0];
        if (node) {
          direct = lotlineUri(node.ref);
          found.set(node.id, hit(node));
        }
      }
      if (!named) {
        const texts = new Set([q]);
        // A GTIN or SSCC typed in any of its lengths is searched in its stored form too.
        if (/^\d{8}$|^\d{12,14}$/.test(q)) {
          try {
            texts.add(normalizeGtin(q));
          } catch {
            /* not a valid GTIN: searched as typed only */
          }
        }
        for (const t of texts) for (const n of await store.searchNodes(t, query.limit)) found.set(n.id, hit(n));
        // A whole code that matches exactly one object is as good as a scan (a plant lot code typed in full).
        const exact = [...found.values()].filter((h) => h.label.endsWith(` / ${q}`) || h.label === `SSCC ${q}`);
        if (exact.length === 1) direct = exact[0]!.ref;
      }
      const results: z.input<typeof Hit>[] = [...found.values()].slice(0, query.limit);
      if (!named) results.push(...(await searchByTerm(store, api.masterData, q, query.limit)).map(({ eventId: _, ...h }) => h));
      return { direct, barcode, results };
    },
  });
}
