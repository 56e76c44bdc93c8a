/**
 * The process data of one event, read from its EPCIS body: who did it (operator), with what
 * (equipment, line, step), how (process parameters, sensor readings), the inspection result, the
 * reason and reference, and the business documents (orders, despatch advice). Native commands keep
 * these as `lotline:` extension fields; EPCIS partners send sensor elements and bizTransactions.
 */
import { h } from './dom.js';

export interface EventDetails {
  readonly operator: string | null;
  readonly equipment: string | null;
  readonly line: string | null;
  readonly step: string | null;
  readonly result: string | null;
  readonly reason: string | null;
  readonly reference: string | null;
  readonly note: string | null;
  readonly carrier: string | null;
  readonly supplierLot: string | null;
  /** Process parameters and sensor readings: `doughTempC` → `24.5`, `temperature` → `4.2 CEL`. */
  readonly parameters: readonly (readonly [string, string])[];
  /** Business documents: `[Production order, MO-2026-101]`. */
  readonly documents: readonly (readonly [string, string])[];
}

const DOCUMENT_WORDS: Readonly<Record<string, string>> = { po: 'Purchase order', prodorder: 'Production order', order: 'Order', so: 'Sales order', desadv: 'Despatch advice', inv: 'Invoice', bol: 'Bill of lading' };

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);

/** `urn:lotline:order:SO-1` → SO-1; the last segment of another URI; a plain number as it is. */
function documentNumber(id: string): string {
  const m = /^urn:lotline:[a-z]+:(.+)$/i.exec(id) ?? (/^[a-z][a-z0-9+.-]*:/i.test(id) ? /([^:/]+)$/.exec(id) : null);
  const tail = m ? m[1]! : id;
  try {
    return decodeURIComponent(tail);
  } catch {
    return tail;
  }
}

/** The last word of a CBV value in any spelling: `https://ref.gs1.org/cbv/BTT-po` → po. */
const bare = (v: string): string => v.replace(/^.*[/:]/, '').replace(/^[A-Z]+-/, '');

export function eventDetails(body: Readonly<Record<string, unknown>> | undefined): EventDetails {
  const b = body ?? {};
  const params: [string, string][] = [];
  const p = b['lotline:parameters'];
  if (p && typeof p === 'object' && !Array.isArray(p)) for (const [k, v] of Object.entries(p)) params.push([k, text(v) ?? JSON.stringify(v)]);
  for (const el of Array.isArray(b['sensorElementList']) ? (b['sensorElementList'] as unknown[]) : []) {
    const reports = (el as { sensorReport?: unknown[] }).sensorReport;
    for (const r of Array.isArray(reports) ? reports : []) {
      const rep = r as Record<string, unknown>;
      const name = text(rep['type']) ? bare(String(rep['type'])) : 'reading';
      const value = text(rep['value']) ?? text(rep['stringValue']) ?? text(rep['booleanValue']) ?? text(rep['hexBinaryValue']) ?? text(rep['uriValue']);
      if (value !== null) params.push([name, `${value}${text(rep['uom']) ? ` ${String(rep['uom'])}` : ''}`]);
    }
  }
  const documents: [string, string][] = [];
  for (const t of Array.isArray(b['bizTransactionList']) ? (b['bizTransactionList'] as unknown[]) : []) {
    const bt = t as { type?: unknown; bizTransaction?: unknown };
    const id = text(bt.bizTransaction);
    if (id === null) continue;
    const kind = /^urn:lotline:([a-z]+):/i.exec(id)?.[1] ?? (text(bt.type) ? bare(String(bt.type)) : '');
    documents.push([DOCUMENT_WORDS[kind.toLowerCase()] ?? (kind || 'Document'), documentNumber(id)]);
  }
  return {
    operator: text(b['lotline:operator']),
    equipment: text(b['lotline:equipment']),
    line: text(b['lotline:line']),
    step: text(b['lotline:step']),
    result: text(b['lotline:result']),
    reason: text(b['lotline:reason']),
    reference: text(b['lotline:reference']),
    note: text(b['lotline:note']),
    carrier: text(b['lotline:carrier']),
    supplierLot: text(b['lotline:supplierLot']),
    parameters: params,
    documents,
  };
}

/** The details as a compact definition list; null when the event carries none. */
export function detailsList(d: EventDetails): HTMLElement | null {
  const rows: [string, string][] = [];
  const add = (term: string, value: string | null) => {
    if (value !== null) rows.push([term, value]);
  };
  add('Operator', d.operator);
  add('Equipment', d.equipment);
  add('Line', d.line);
  add('Step', d.step);
  add('Inspection', d.result === null ? null : d.result === 'pass' ? 'pass' : `${d.result} (failed)`);
  for (const [k, v] of d.parameters) add(k, v);
  add('Reason', d.reason);
  add('Reference', d.reference);
  for (const [k, v] of d.documents) add(k, v);
  add('Supplier lot', d.supplierLot);
  add('Carrier', d.carrier);
  add('Note', d.note);
  if (rows.length === 0) return null;
  return h('dl', { class: 'event-details' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
