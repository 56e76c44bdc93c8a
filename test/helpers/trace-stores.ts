/** The two ways a trace can read the genealogy: straight from the store, or through the in-memory index. */
import { GenealogyIndex, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';

export const TRACE_MODES = ['store', 'index'] as const;
export type TraceMode = (typeof TRACE_MODES)[number];

/** An empty in-memory store; in 'index' mode every read goes through an index that catches up as events are loaded. */
export function memoryStore(mode: TraceMode): EventStore {
  const store = openSqliteStore(':memory:');
  return mode === 'store' ? store : withGenealogyIndex(store, new GenealogyIndex());
}
