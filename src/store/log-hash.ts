/**
 * The hash chain of the event log, shared by every adapter so that a log copied from one
 * database to another verifies in both.
 */
import { createHash } from 'node:crypto';
import type { LogEntry } from './event-store.js';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of one log entry: it covers the previous hash and everything stored for the entry.
 * Who recorded it and from where are appended only when known, so entries written before
 * attribution existed keep their hashes.
 */
export function entryHash(prevHash: string, e: Omit<LogEntry, 'prevHash' | 'hash'>): string {
  const h = createHash('sha256').update(`${prevHash}\n${e.seq}\n${e.kind}\n${e.eventId}\n${e.recordTime}\n${e.fingerprint}\n${e.body}`);
  if (e.actor !== null || e.origin !== null) h.update(`\n${JSON.stringify([e.actor, e.origin])}`);
  return h.digest('hex');
}

/** Checks one entry against the chain head it follows; returns why it does not fit, or null. */
export function chainBreak(head: { seq: number; hash: string }, e: LogEntry): string | null {
  if (e.seq !== head.seq + 1) return `log position ${head.seq + 1} is missing`;
  if (e.prevHash !== head.hash) return 'the link to the previous entry does not match its hash';
  if (entryHash(head.hash, e) !== e.hash) return `the entry's content does not match its hash (event ${e.eventId})`;
  return null;
}
