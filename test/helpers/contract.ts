/**
 * The JSON the CLI promises (README "The trace contract", docs/cli.md), written from the docs and
 * not imported from src, so that the tests that use it check the implementation against them.
 */
export interface Ref {
  item: string;
  lot?: string;
  serial?: string;
}
export interface TraceLot extends Ref {
  depth: number;
  share: number | null;
}
export interface TraceLink {
  from: Ref;
  to: Ref;
  eventId: string;
  quantity: number | null;
  uom: string | null;
}
export interface Movement extends Ref {
  eventId: string;
  time: string;
  quantity: number | null;
  uom: string | null;
  via?: string;
  destination?: string;
  source?: string;
}
export interface Correction {
  eventId: string;
  declarationTime: string;
  reason: string | null;
  correctiveEventIds: string[];
}
export interface Trace {
  direction: 'forward' | 'backward';
  root: Ref;
  lots: TraceLot[];
  links: TraceLink[];
  shipments: Movement[];
  receipts: Movement[];
  truncated: boolean;
  cycles: Ref[][];
  gaps: { type: string; item: string; eventId: string; role: 'input' | 'output' }[];
  corrections: Correction[];
  asOfSeq: number;
}
export interface LastEvent {
  eventId: string;
  type: string;
  bizStep: string | null;
  disposition: string | null;
  time: string;
  location: string | null;
}
export interface Balance {
  received: number;
  produced: number;
  consumed: number;
  shipped: number;
  scrapped: number;
  adjusted: number;
  uom: string | null;
}
export interface LotState {
  ref: Ref;
  status: string;
  onHand: { quantity: number; uom: string | null } | null;
  location: string | null;
  lastEvent: LastEvent | null;
  hold: { since: string; eventId: string; reason: string | null } | null;
  balance: Balance | null;
  supplierLots: string[];
  inUnits: string[];
  events: number;
}
export interface UnitState {
  unit: { scheme: string; id: string };
  contents: { ref: Ref; quantity: number | null; uom: string | null }[];
  lastEvent: LastEvent | null;
  events: number;
}
export interface ImportSummary {
  files: { file: string; format: string; events: number; stored: number; duplicates: number; declared: number }[];
}
