/**
 * The scan-station port: how each station is configured, and where it is in its current scan
 * sequence. The state is saved after every scan (compare-and-set on a version), so a restart in
 * the middle of a sequence loses nothing and two servers never overwrite each other's scans.
 */

export const STATION_ROLES = ['receiving', 'production', 'packing', 'shipping'] as const;
export type StationRole = (typeof STATION_ROLES)[number];

/** What a station fills in when a scan does not say it. */
export interface StationDefaults {
  /** Quantity of each scanned lot when its label has no AI 310n–316n/320n/30/37. */
  readonly quantity?: number;
  /** UN/CEFACT unit of `quantity` (KGM, EA, …). */
  readonly uom?: string;
  /** Production: the item (GTIN or plant code) this station makes; a scan of it is the output. */
  readonly outputItem?: string;
  /** Production, packing, shipping: the only items accepted here (wrong item → refused). */
  readonly items?: readonly string[];
  /** Receiving: the supplier when the label names none (a GLN, a URI or a name). */
  readonly supplier?: string;
  /** Shipping: the customer when the labels name none. */
  readonly customer?: string;
}

export interface StationRecord {
  readonly id: string;
  /** The plant (site), written as the events' location: a GLN, a URI or a name. */
  readonly site: string;
  readonly line: string | null;
  readonly role: StationRole;
  readonly defaults: StationDefaults;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** A station's saved sequence state: opaque JSON to the store, with its version. */
export interface SavedStationState {
  readonly version: number;
  readonly state: unknown;
}

export interface StationStore {
  /** Adds a station; STATION_EXISTS when the id is taken. */
  insertStation(station: StationRecord): Promise<void>;
  /** The station with this id. */
  getStation(id: string): Promise<StationRecord | undefined>;
  /** Every station, by id. */
  listStations(): Promise<StationRecord[]>;
  /** Replaces a station's site, line, role and defaults (its sequence state stays); false when there is none. */
  updateStation(station: StationRecord): Promise<boolean>;
  /** Removes a station and its state; false when there was none. */
  removeStation(id: string): Promise<boolean>;
  /** The station's saved state; undefined before its first scan. */
  readState(id: string): Promise<SavedStationState | undefined>;
  /** Saves `state` as version `expected + 1` if the saved version is still `expected` (0: none yet); false when another writer came first. */
  writeState(id: string, state: unknown, expected: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The row both adapters read: defaults as JSON text. */
export interface StationRow {
  id: string;
  site: string;
  line: string | null;
  role: string;
  defaults: string;
  created_at: string;
  created_by: string;
}

export function toStation(r: StationRow): StationRecord {
  return { id: r.id, site: r.site, line: r.line, role: r.role as StationRole, defaults: JSON.parse(r.defaults) as StationDefaults, createdAt: r.created_at, createdBy: r.created_by };
}

export function stationParams(s: StationRecord): unknown[] {
  return [s.id, s.site, s.line, s.role, JSON.stringify(s.defaults), s.createdAt, s.createdBy];
}
