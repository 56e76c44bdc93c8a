/**
 * The content hash of a dossier: SHA-256 of the canonical JSON of its data (dossier-data.ts),
 * without who made it, when, or the log position — so the same records give the same hash, and a
 * dossier made again later about a lot nothing new happened to carries the hash printed on the old
 * one. `lotline report dossier REF --as-of T --verify HASH` recomputes it from the log.
 */
import { canonicalJson } from '../../domain/canonical-json.js';
import { sha256Hex } from '../../domain/sha256.js';
import type { DossierData } from './dossier-data.js';

/** The hex SHA-256 of the dossier's content. */
export function dossierHash(data: DossierData): string {
  return sha256Hex(canonicalJson(data));
}
