/**
 * What the dossier says, in words and tables, independent of HTML or PDF: both renderers draw
 * these sections, so the two documents always say the same. Headings are plain questions an
 * auditor asks; times are printed with their zone as recorded; nothing Lotline-specific is
 * assumed known.
 */
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import type { Dossier, DossierData, DossierEvent, DossierLink, DossierSignature } from './dossier-data.js';
import { fmtNumber } from './dossier-data.js';
import { pct } from './dossier-graph.js';

export const TITLE = 'Genealogy dossier';
export const INTRO =
  'This dossier is the complete traceability record of one lot as kept in Lotline: what it was made from, what was made from it and who received it, everything that happened to it with time, place and people, holds and signed decisions, and problems found in the record. Quantities are as recorded; a share says how much of one lot comes from another.';

/** How a reader checks a printed dossier against the records (footer of every page). */
export const HOW_TO_CHECK =
  'How to check this dossier: every page ends with the time it was made, by whom, the position in the event log it reflects with the hash of the log there, and a SHA-256 of its content. Lotline\'s event log is append-only and hash-chained. Running the command printed in the footer on the plant\'s Lotline recomputes this content from the log as of the same instant: MATCH means the records still say exactly this, and the whole log verifies; DIFFERENT means this copy does not reflect them.';

export interface Column {
  readonly title: string;
  /** Relative width in the PDF. */
  readonly weight: number;
  readonly numeric?: boolean;
}

export interface Row {
  readonly cells: readonly string[];
  /** Declared erroneous: shown struck through. */
  readonly voided?: boolean;
}

export interface Table {
  readonly caption: string | null;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** What to print when there is no row. */
  readonly empty: string;
}

export interface Section {
  readonly title: string;
  readonly lead: string | null;
  readonly tables: readonly Table[];
}

const TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/;

/** `2026-05-04T06:10:00+02:00` → `2026-05-04 06:10 UTC+02:00`: the zone always shown, seconds when not zero. */
export function fmtTime(iso: string | null): string {
  if (iso === null) return '';
  const m = TIME.exec(iso);
  if (!m) return iso;
  const [, date, hm, sec, , zone] = m;
  const z = zone === undefined ? '' : zone === 'Z' || zone === 'z' || zone === '+00:00' ? ' UTC' : ` UTC${zone}`;
  return `${date} ${hm}${sec && sec !== ':00' ? sec : ''}${z}`;
}

const qty = (q: number | null, uom: string | null): string => (q === null ? 'not recorded' : `${fmtNumber(q)} ${uom ?? ''}`.trim());
const col = (title: string, weight: number, numeric = false): Column => ({ title, weight, ...(numeric ? { numeric } : {}) });

export function signatureText(s: DossierSignature): string {
  const head = `${s.printedName ?? '(no name)'} — "${s.meaning ?? ''}" — ${fmtTime(s.signedAt)}`;
  return s.valid ? `${head} (signature verified)` : `${head} (DOES NOT VERIFY: ${s.problem ?? 'unknown reason'})`;
}

/** The summary at the top: what the lot is and where it stands. */
export function summaryRows(d: DossierData): [string, string][] {
  const customers = new Set(d.shipments.map((s) => s.party));
  const suppliers = new Set(d.receipts.map((s) => s.party));
  const rows: [string, string][] = [
    ['Item', d.lot.item],
    ['lot' in d.lot ? 'Lot code' : 'Serial number', 'lot' in d.lot ? d.lot.lot : d.lot.serial],
    ['Status', d.state.status.replace(/_/g, ' ') + (d.state.hold ? ` since ${fmtTime(d.state.hold.since)}${d.state.hold.reason ? ` (${d.state.hold.reason})` : ''}` : '')],
    ['On hand', d.state.onHand ?? 'nothing'],
    ['Last location', d.state.location ?? 'not recorded'],
  ];
  if (d.state.supplierLots.length > 0) rows.push(["Supplier's lot code", d.state.supplierLots.join(', ')]);
  rows.push(
    ['Made from', `${d.backward.lots.length} lot(s), from ${suppliers.size} supplier(s)`],
    ['Went into', `${d.forward.lots.length} lot(s), shipped ${d.shipments.length} time(s) to ${customers.size} customer(s)`],
    ['Events listed', `${d.events.length}${d.eventScope.omittedEvents > 0 ? ` (${d.eventScope.omittedEvents} more not listed)` : ''}`],
    ['Open problems', `${d.exceptions.filter((x) => x.state === 'open' || x.state === 'acknowledged').length} of ${d.exceptions.length} exception(s)`],
  );
  return rows;
}

function linkRows(links: readonly DossierLink[]): Row[] {
  return links.map((l) => ({
    cells: [l.from, l.to, qty(l.quantity, l.uom), l.retroactive ? `recorded after the fact${l.retroactive.exception !== null ? ` (exception ${l.retroactive.exception})` : ''}` : 'as recorded at the time'],
  }));
}

/** CBV business steps in the words of a plant; others are shown as recorded. */
const STEP_WORDS: Readonly<Record<string, string>> = {
  receiving: 'received',
  commissioning: 'produced',
  'creating class instance': 'produced',
  shipping: 'shipped',
  packing: 'packed',
  unpacking: 'unpacked',
  holding: 'put on hold',
  inspecting: 'inspected',
  storing: 'stored',
  destroying: 'destroyed',
  repackaging: 'repacked',
  'linking retroactively': 'link recorded after the fact',
};

function eventWhat(e: DossierEvent): string {
  const raw = e.step ?? e.type.replace(/Event$/, '').toLowerCase();
  const step = STEP_WORDS[raw] ?? raw;
  const parts = [step];
  if (e.disposition) parts.push(`(${e.disposition})`);
  if (e.voided) parts.push('DECLARED ERRONEOUS: does not count');
  return parts.join(' ');
}

function eventDetails(e: DossierEvent): string {
  const out: string[] = [];
  if (e.equipment) out.push(`equipment: ${e.equipment}`);
  if (e.line) out.push(`line: ${e.line}`);
  if (e.processStep) out.push(`process step: ${e.processStep}`);
  for (const p of e.parameters) out.push(p);
  if (e.inspection) out.push(`inspection result: ${e.inspection.toUpperCase()}`);
  if (e.from) out.push(`from: ${e.from}`);
  if (e.to) out.push(`to: ${e.to}`);
  if (e.reason) out.push(`reason: ${e.reason}`);
  if (e.reference) out.push(`reference: ${e.reference}`);
  for (const d of e.documents) out.push(`document: ${d}`);
  for (const s of e.signatures) out.push(`signed: ${signatureText(s)}`);
  return out.join('\n');
}

function eventLots(e: DossierEvent): string {
  const words = { input: 'used', output: 'made', object: '', unit: 'on/in' } as const;
  return e.objects.map((o) => `${words[o.role] ? `${words[o.role]} ` : ''}${o.label}${o.quantity !== null ? `: ${qty(o.quantity, o.uom)}` : ''}`).join('\n');
}

export function dossierSections(d: DossierData): Section[] {
  const status = (held: boolean): string => (held ? 'ON HOLD' : '');
  const sections: Section[] = [];
  sections.push({
    title: 'Where this lot came from',
    lead: `Every lot that went into ${d.label}, back to the suppliers' receipts. "Steps" counts the production steps in between; "share" says how much of ${d.label} comes from that lot.`,
    tables: [
      {
        caption: null,
        columns: [col('Lot', 5), col('Steps back', 1.2, true), col(`Share of ${d.label}`, 2, true), col('Status', 1.4)],
        rows: d.backward.lots.map((l) => ({ cells: [l.label, String(l.depth), pct(l.share), status(l.held)] })),
        empty: 'No recorded inputs: this lot was received, or made without recorded inputs.',
      },
      { caption: 'Quantities used', columns: [col('From lot', 4), col('Into lot', 4), col('Quantity', 2, true), col('Link', 3)], rows: linkRows(d.backward.links), empty: 'None.' },
      {
        caption: 'Received from suppliers',
        columns: [col('Received', 2.6), col('Lot', 4), col('Supplier', 3), col('Quantity', 1.8, true), col('Pallet or case', 2.6)],
        rows: d.receipts.map((m) => ({ cells: [fmtTime(m.time), m.lot, m.party ?? 'not named', qty(m.quantity, m.uom), m.via ?? ''] })),
        empty: 'No receipt recorded for these lots.',
      },
    ],
  });
  sections.push({
    title: 'Where it went',
    lead: `Every lot made from ${d.label}, and every shipment of them. "Share" says how much of that lot comes from ${d.label}; the exposure of a shipment is its quantity times that share.`,
    tables: [
      {
        caption: null,
        columns: [col('Lot', 5), col('Steps forward', 1.2, true), col(`Share from ${d.label}`, 2, true), col('Status', 1.4)],
        rows: d.forward.lots.map((l) => ({ cells: [l.label, String(l.depth), pct(l.share), status(l.held)] })),
        empty: 'Nothing was made from this lot.',
      },
      { caption: 'Quantities used', columns: [col('From lot', 4), col('Into lot', 4), col('Quantity', 2, true), col('Link', 3)], rows: linkRows(d.forward.links), empty: 'None.' },
      {
        caption: 'Shipped to customers',
        columns: [col('Shipped', 2.4), col('Lot', 3.6), col('Customer', 2.8), col('Quantity', 1.6, true), col('Share', 1.2, true), col('Exposure', 1.6, true), col('Pallet or case', 2.4)],
        rows: d.shipments.map((m) => ({
          cells: [fmtTime(m.time), m.lot, m.party ?? 'not named', qty(m.quantity, m.uom), pct(m.share), m.exposure === null ? 'unknown' : `${fmtNumber(m.exposure)} ${m.uom ?? ''}`.trim(), m.via ?? ''],
        })),
        empty: 'Not shipped.',
      },
    ],
  });
  sections.push({
    title: 'What happened to it',
    lead:
      d.eventScope.kind === 'chain'
        ? `Every recorded event of the ${d.eventScope.lots} lot(s) of this genealogy, in the order they happened. Times are local, with their offset from UTC. "Who" is the operator named on the event, then the account that recorded it.`
        : `The chain has too many lots to list every event: these are the events of ${d.label} and of the lots directly before and after it (${d.eventScope.lots} lots). The tables above list every lot.`,
    tables: [
      {
        caption: null,
        columns: [col('When', 2.2), col('What', 2), col('Where', 2), col('Who', 2), col('Details', 4.2), col('Lots and quantities', 4.4)],
        rows: d.events.map((e) => ({
          cells: [fmtTime(e.time), eventWhat(e), e.place ?? '', [e.operator, e.recordedBy ? `recorded by ${e.recordedBy}` : null].filter((x) => x !== null).join('\n'), eventDetails(e), eventLots(e)],
          voided: e.voided,
        })),
        empty: 'No event recorded.',
      },
    ],
  });
  sections.push({
    title: 'Holds, releases and signatures',
    lead: 'A hold stops a lot from being used or shipped; a release or rejection is an electronic signature (printed name, meaning, date and time), bound to its record by a hash that Lotline checks again for this dossier.',
    tables: [
      {
        caption: null,
        columns: [col('When', 2.2), col('Decision', 1.4), col('Lots', 3.6), col('Reason', 3), col('Signatures', 5)],
        rows: d.holds.map((h) => ({
          cells: [fmtTime(h.time), h.kind, h.lots.join('\n'), [h.reason, h.reference ? `reference ${h.reference}` : null].filter((x) => x !== null).join('\n'), h.signatures.length === 0 ? (h.kind === 'hold' ? `placed by ${h.recordedBy ?? 'not recorded'}` : 'not signed') : h.signatures.map(signatureText).join('\n')],
        })),
        empty: 'No hold was placed on these lots.',
      },
    ],
  });
  const retro = [...d.backward.links, ...d.forward.links].filter((l) => l.retroactive !== null);
  sections.push({
    title: 'Problems found and how they were handled',
    lead: 'Exceptions are problems Lotline found in the record (a missing link, a held lot used, a quantity that does not balance), with who handled them. A link recorded after the fact closes a gap on someone\'s confirmation: it is shown as such everywhere.',
    tables: [
      {
        caption: 'Exceptions',
        columns: [col('No.', 0.8, true), col('Lot', 3), col('Problem', 5), col('State', 1.6), col('Handled', 5)],
        rows: d.exceptions.map((x) => ({
          cells: [
            String(x.id),
            x.lot,
            `${x.rule} (${x.severity}): ${x.explanation}`,
            x.state,
            [
              ...x.history.map((h) => `${fmtTime(h.time)} ${h.action} by ${h.actor}`),
              ...(x.resolution ? [`note: ${x.resolution}`] : []),
              ...(x.correctiveEventId ? ['link recorded after the fact'] : []),
            ].join('\n'),
          ],
        })),
        empty: 'No exception about these lots.',
      },
      {
        caption: 'Links recorded after the fact',
        columns: [col('From lot', 3.6), col('Into lot', 3.6), col('Quantity', 1.8, true), col('Confirmed by', 2.4), col('Confirmed at', 2.4), col('Exception', 1.2, true)],
        rows: retro.map((l) => ({
          cells: [l.from, l.to, qty(l.quantity, l.uom), l.retroactive!.confirmedBy ?? '', fmtTime(l.retroactive!.confirmedAt), l.retroactive!.exception === null ? '' : String(l.retroactive!.exception)],
        })),
        empty: 'None.',
      },
    ],
  });
  const problems: Row[] = [
    ...d.corrections.map((c) => ({ cells: ['correction', `event ${c.eventId} declared erroneous${c.declarationTime ? ` at ${fmtTime(c.declarationTime)}` : ''}${c.reason ? ` (${c.reason})` : ''}${c.correctiveEventIds.length ? `; corrected by ${c.correctiveEventIds.join(', ')}` : ''}`] })),
    ...d.gaps.map((g) => ({ cells: ['broken chain', `${g.item} was recorded as ${g.role} without a lot code (event ${g.eventId}): the chain cannot be followed there`] })),
    ...d.cycles.map((c) => ({ cells: ['data error', `these lots are, by the records, their own ancestors: ${c.join(', ')}`] })),
  ];
  sections.push({
    title: 'Corrections and gaps in the record',
    lead: 'Nothing in the record is ever changed or deleted: a wrong event is declared erroneous (it stays, struck through above) and corrected by new events.',
    tables: [{ caption: null, columns: [col('Kind', 1.6), col('What', 10)], rows: problems, empty: 'No correction, and no gap in the chain.' }],
  });
  return sections;
}

/** The footer: who made the dossier, when, from which state of the log, and how to check it. */
export function footerLines(dossier: Dossier, hash: string): string[] {
  const { stamp, data } = dossier;
  const ref = lotlineUri('lot' in data.lot ? { kind: 'lot', item: data.lot.item, lot: data.lot.lot } : { kind: 'serial', item: data.lot.item, serial: data.lot.serial });
  return [
    `Generated ${fmtTime(stamp.generatedAt)} by ${stamp.generatedBy}. Reflects the record as of ${stamp.asOf}: log position ${stamp.logSeq}, chain hash ${stamp.logHeadHash}.`,
    `Content SHA-256 ${hash}. Check: lotline report dossier '${ref}' --as-of ${stamp.asOf} --verify ${hash}`,
  ];
}
