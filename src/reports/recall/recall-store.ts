/**
 * The recall port: a recall is kept as it was computed (its scope JSON), by whom, when, and at
 * which log position, so that the plant can show later exactly what it acted on; actions taken on
 * it (holds placed) are appended beside it. Nothing saved is ever changed.
 */

/** A saved recall. `scope` is the computed scope as the API returned it. */
export interface SavedRecall {
  readonly id: string;
  readonly computedAt: string;
  readonly computedBy: string;
  /** The log position the scope reflects. */
  readonly asOfSeq: number;
  /** What the recall started from, as asked. */
  readonly request: Readonly<Record<string, unknown>>;
  /** The headline figures, for lists. */
  readonly summary: Readonly<Record<string, unknown>>;
  readonly scope: object;
}

export type RecallListEntry = Omit<SavedRecall, 'scope'>;

/** Something done about a recall (`holds-placed`), append-only. */
export interface RecallAction {
  readonly seq: number;
  readonly recallId: string;
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface RecallStore {
  /** Saves a new recall (its id must be new). */
  saveRecall(r: SavedRecall): Promise<void>;
  /** The recall with this id. */
  getRecall(id: string): Promise<SavedRecall | undefined>;
  /** Recalls, newest first. */
  listRecalls(q: { limit: number; offset?: number }): Promise<RecallListEntry[]>;
  /** Appends an action to a saved recall. */
  recordRecallAction(a: Omit<RecallAction, 'seq'>): Promise<RecallAction>;
  /** The actions of a recall, oldest first. */
  recallActions(id: string): Promise<RecallAction[]>;
}
