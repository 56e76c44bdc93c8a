/** How objects, parties and places are written on the pages (the same forms as the CLI). */
import type { RefJson } from './api.js';

/** The ref the API takes for a lot or serial of a trace (urn:lotline:lot:ITEM:LOT). */
export function refUri(r: RefJson): string {
  if (r.lot !== undefined) return `urn:lotline:lot:${encodeURIComponent(r.item)}:${encodeURIComponent(r.lot)}`;
  if (r.serial !== undefined) return `urn:lotline:serial:${encodeURIComponent(r.item)}:${encodeURIComponent(r.serial)}`;
  return `urn:lotline:class:${encodeURIComponent(r.item)}`;
}

/** ITEM / LOT, ITEM # SERIAL: what the CLI prints. */
export function refLabel(r: RefJson): string {
  if (r.lot !== undefined) return `${r.item} / ${r.lot}`;
  if (r.serial !== undefined) return `${r.item} # ${r.serial}`;
  return `${r.item} (no lot)`;
}

/** A key that is equal for equal objects. */
export const refKey = (r: RefJson): string => refUri(r);

/** `urn:lotline:party:Valley%20Mills` → Valley Mills; GS1 and other URIs stay as they are. */
export function placeName(uri: string | null | undefined): string {
  if (!uri) return '';
  const m = /^urn:lotline:(?:party|loc):(.*)$/i.exec(uri);
  if (!m) return uri;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1]!;
  }
}

/** The page of an object. */
export const lotPath = (ref: string): string => `/lots/${encodeURIComponent(ref)}`;

export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined) return 'share ?';
  const p = share * 100;
  return p >= 99.95 ? '100%' : p >= 10 ? `${p.toFixed(0)}%` : p >= 0.1 ? `${p.toFixed(1)}%` : '<0.1%';
}

export function quantity(q: number | undefined, uom: string | undefined): string {
  if (q === undefined) return '';
  return `${Number.isInteger(q) ? q : q.toFixed(3).replace(/\.?0+$/, '')} ${uom ?? ''}`.trim();
}

/**
 * A date-time as the plant reads it, keeping the offset the event was recorded with; `Z` and
 * `+00:00` (the same instant, written two ways by different sources) both read " UTC".
 */
export function when(iso: string): string {
  return iso
    .replace('T', ' ')
    .replace(/(\d{2}:\d{2}):\d{2}(\.\d+)?/, '$1')
    .replace(/(?:Z|[+-]00:00)$/, ' UTC');
}
