/**
 * Reads a GS1 EPCIS 2.0 JSON/JSON-LD document (EPCISDocument or EPCISQueryDocument) into
 * captured events. Validation is strict and complete: every bad field of every event is
 * reported, with the event's index and the field's JSON path, before anything is stored.
 */
import type { Issue } from '../../domain/errors.js';
import { LotlineError } from '../../domain/errors.js';
import type { CapturedEvent } from '../../store/event-store.js';
import { captureEvent } from '../captured-event.js';
import { enforceInputLimits } from '../input-limits.js';

/** At most this many issues are reported for one document: enough to fix, not a flood. */
export const MAX_REPORTED_ISSUES = 100;

export interface EpcisDocumentEvents {
  readonly documentType: 'EPCISDocument' | 'EPCISQueryDocument';
  readonly events: CapturedEvent[];
  /** JSON path of the event list, for reports that name an event. */
  readonly listPath: string;
}

/** `noun` says what a refused input was in messages: an imported file, or a document sent over HTTP. */
export function readEpcisDocument(doc: unknown, file?: string, noun: 'file' | 'document' = 'file'): EpcisDocumentEvents {
  const where = file ? `${file}: ` : '';
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new LotlineError('EPCIS_NOT_A_DOCUMENT', `${where}not an EPCIS document: expected a JSON object with "type": "EPCISDocument"`);
  }
  // Depth and string length first: the readers below recurse, and must only see values of a sane shape.
  enforceInputLimits(doc, where, '$', file ? { file } : {});
  const d = doc as Record<string, unknown>;
  const type = d['type'];
  let list: unknown;
  let listPath: string;
  if (type === 'EPCISDocument') {
    list = (d['epcisBody'] as Record<string, unknown> | undefined)?.['eventList'];
    listPath = '$.epcisBody.eventList';
  } else if (type === 'EPCISQueryDocument') {
    const results = ((d['epcisBody'] as Record<string, unknown> | undefined)?.['queryResults'] as Record<string, unknown> | undefined)?.['resultsBody'];
    list = (results as Record<string, unknown> | undefined)?.['eventList'];
    listPath = '$.epcisBody.queryResults.resultsBody.eventList';
  } else {
    throw new LotlineError(
      'EPCIS_NOT_A_DOCUMENT',
      `${where}not an EPCIS document: "type" must be "EPCISDocument" or "EPCISQueryDocument"${type === undefined ? ' (it is missing)' : ` (got ${JSON.stringify(type)})`}`,
      { issues: [{ path: '$.type', reason: 'must be "EPCISDocument" or "EPCISQueryDocument"', ...(file ? { file } : {}) }] },
    );
  }
  if (!Array.isArray(list)) {
    throw new LotlineError('EPCIS_NOT_A_DOCUMENT', `${where}${type} has no event list at ${listPath}`, {
      issues: [{ path: listPath, reason: 'an EPCIS document needs a list of events here', ...(file ? { file } : {}) }],
    });
  }
  const issues: Issue[] = [];
  const events: CapturedEvent[] = [];
  list.forEach((raw, index) => {
    if (issues.length >= MAX_REPORTED_ISSUES) return;
    const found: Issue[] = [];
    const ev = captureEvent(raw, `${listPath}[${index}]`, found, d['@context']);
    for (const i of found) issues.push({ ...i, index, ...(file ? { file } : {}) });
    if (ev) events.push(ev);
  });
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new LotlineError(
      'EPCIS_INVALID_FIELD',
      `${where}${issues.length}${issues.length >= MAX_REPORTED_ISSUES ? '+' : ''} invalid field${issues.length === 1 ? '' : 's'}; first: event ${first.index} at ${first.path}: ${first.reason}. Nothing from this ${noun === 'file' ? 'file was imported' : 'document was stored'}.`,
      { issues },
    );
  }
  return { documentType: type, events, listPath };
}
