/** A business document's number as people write it, from the URI an event carries (`urn:lotline:po:PO-11` → `PO-11`). */
import { isLotlineUri } from '../domain/identifiers/lotline-uri.js';

export function documentNumber(uri: string): string {
  if (isLotlineUri(uri)) return decodeURIComponent(uri.slice(uri.indexOf(':', 'urn:lotline:'.length) + 1));
  const bt = /^urn:epcglobal:cbv:bt:[^:]*:(.+)$/i.exec(uri);
  return bt ? bt[1]! : uri;
}

/** The CBV business transaction type, bare (`po`, `desadv`), from a bare value or a URI. */
export function documentType(type: string | null): string | null {
  return type === null ? null : type.replace(/^.*(BTT-|:btt:)/, '');
}
