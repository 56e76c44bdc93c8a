import { LotlineError } from '../errors.js';
import { quoteInput } from './gtin.js';
import { UNIT_SCHEMES, type ObjectRef, type UnitScheme } from './object-ref.js';

/**
 * Lotline's own URNs, for objects, parties and locations that have no GS1 identifier. They let a
 * native event (plant item code + lot code) be written as an EPCIS document and read back as the
 * same object. Each component is percent-encoded with encodeURIComponent, so a ':' inside a code
 * is `%3A` and never splits the URN.
 */

const PREFIX = 'urn:lotline:';

/** A party or location named in Lotline's own URN space (`urn:lotline:party:…`, `urn:lotline:loc:…`). */
export type LotlinePlaceRef =
  | { readonly kind: 'party'; readonly name: string }
  | { readonly kind: 'loc'; readonly name: string };

// Unicode category Cc: C0 and C1 controls and DEL, which no code a person reads can contain.
const CONTROL = /\p{Cc}/u;

function enc(component: string): string {
  try {
    return encodeURIComponent(component);
  } catch (cause) {
    // Only a lone UTF-16 surrogate makes encodeURIComponent throw.
    throw new LotlineError('ID_INVALID', `${quoteInput(component)} is not valid Unicode text`, { cause });
  }
}

/** True when `uri` is in Lotline's URN space (`urn:lotline:…`, any case for the prefix). */
export function isLotlineUri(uri: string): boolean {
  return uri.slice(0, PREFIX.length).toLowerCase() === PREFIX;
}

/** The Lotline URN of an object: `urn:lotline:lot:{item}:{lot}` and so on; an `other` ref is already a URI and is returned as is. */
export function lotlineUri(ref: ObjectRef): string {
  switch (ref.kind) {
    case 'lot':
      return `${PREFIX}lot:${enc(ref.item)}:${enc(ref.lot)}`;
    case 'serial':
      return `${PREFIX}serial:${enc(ref.item)}:${enc(ref.serial)}`;
    case 'class':
      return `${PREFIX}class:${enc(ref.item)}`;
    case 'unit':
      // Plant container ids are the common case and get the short form; a GS1 unit keeps its
      // scheme as an extra component so that no ref loses information on the way through.
      return ref.scheme === 'plant'
        ? `${PREFIX}unit:${enc(ref.id)}`
        : `${PREFIX}unit:${ref.scheme}:${enc(ref.id)}`;
    case 'other':
      return ref.uri;
  }
}

/** The Lotline URN of a party (supplier, customer, carrier) known only by name. */
export function partyUri(name: string): string {
  return `${PREFIX}party:${enc(checkComponent('party name', name))}`;
}

/** The Lotline URN of a location (site, line, warehouse) known only by name. */
export function locationUri(name: string): string {
  return `${PREFIX}loc:${enc(checkComponent('location name', name))}`;
}

function checkComponent(what: string, value: string, uri?: string): string {
  const where = uri === undefined ? '' : ` in ${quoteInput(uri)}`;
  if (value.length === 0) throw new LotlineError('ID_INVALID', `${what} is empty${where}`);
  if (CONTROL.test(value)) {
    throw new LotlineError('ID_INVALID', `${what} ${quoteInput(value)} contains a control character${where}`);
  }
  return value;
}

const TYPES = ['lot', 'serial', 'class', 'unit', 'party', 'loc'] as const;
type LotlineType = (typeof TYPES)[number];

/** Splits a Lotline URN into its type and its decoded components (each decoded exactly once). */
function split(uri: string): { type: LotlineType; parts: string[] } {
  if (!isLotlineUri(uri)) {
    throw new LotlineError('ID_UNKNOWN_FORM', `${quoteInput(uri)} is not a Lotline URN (urn:lotline:…)`);
  }
  const [rawType = '', ...raw] = uri.slice(PREFIX.length).split(':');
  const type = rawType.toLowerCase();
  if (!(TYPES as readonly string[]).includes(type)) {
    throw new LotlineError(
      'ID_INVALID',
      `${quoteInput(uri)} has the unknown Lotline type ${quoteInput(rawType)}; expected one of ${TYPES.join(', ')}`,
    );
  }
  const parts = raw.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch (cause) {
      throw new LotlineError('ID_INVALID', `${quoteInput(uri)} contains a malformed percent-encoding in ${quoteInput(p)}`, {
        cause,
      });
    }
  });
  return { type: type as LotlineType, parts };
}

function arity(uri: string, parts: string[], names: readonly string[]): void {
  if (parts.length !== names.length) {
    throw new LotlineError(
      'ID_INVALID',
      `${quoteInput(uri)} has ${parts.length} component(s) after the type; expected ${names.length} (${names.join(', ')}), with any ':' inside a code written as %3A`,
    );
  }
  names.forEach((name, i) => checkComponent(name, parts[i] ?? '', uri));
}

/** Parses `urn:lotline:lot|serial|class|unit:…` into the object it names. Party and location URNs are refused (ID_INVALID). */
export function parseLotlineUri(uri: string): ObjectRef {
  const { type, parts } = split(uri);
  switch (type) {
    case 'lot':
      arity(uri, parts, ['item', 'lot']);
      return { kind: 'lot', item: parts[0] ?? '', lot: parts[1] ?? '' };
    case 'serial':
      arity(uri, parts, ['item', 'serial']);
      return { kind: 'serial', item: parts[0] ?? '', serial: parts[1] ?? '' };
    case 'class':
      arity(uri, parts, ['item']);
      return { kind: 'class', item: parts[0] ?? '' };
    case 'unit': {
      if (parts.length === 1) {
        arity(uri, parts, ['unit id']);
        return { kind: 'unit', scheme: 'plant', id: parts[0] ?? '' };
      }
      arity(uri, parts, ['unit scheme', 'unit id']);
      const scheme = parts[0] ?? '';
      if (!(UNIT_SCHEMES as readonly string[]).includes(scheme)) {
        throw new LotlineError(
          'ID_INVALID',
          `${quoteInput(uri)} names the unknown unit scheme ${quoteInput(scheme)}; expected one of ${UNIT_SCHEMES.join(', ')}`,
        );
      }
      return { kind: 'unit', scheme: scheme as UnitScheme, id: parts[1] ?? '' };
    }
    case 'party':
    case 'loc':
      throw new LotlineError(
        'ID_INVALID',
        `${quoteInput(uri)} names a ${type === 'loc' ? 'location' : 'party'}, not a lot, serial, item class or unit`,
      );
  }
}

/** Parses `urn:lotline:party:{name}` or `urn:lotline:loc:{name}`; object URNs are refused (ID_INVALID). */
export function parseLotlinePlaceUri(uri: string): LotlinePlaceRef {
  const { type, parts } = split(uri);
  if (type !== 'party' && type !== 'loc') {
    throw new LotlineError('ID_INVALID', `${quoteInput(uri)} names an object (${type}), not a party or location`);
  }
  arity(uri, parts, [type === 'party' ? 'party name' : 'location name']);
  return { kind: type, name: parts[0] ?? '' };
}

/** A human label for a party or location URI: the decoded name for Lotline party/loc URNs, else the URI unchanged. */
export function displayName(uri: string): string {
  if (!isLotlineUri(uri)) return uri;
  try {
    return parseLotlinePlaceUri(uri).name;
  } catch {
    // A label must never fail: a malformed or non-place URN is shown as written.
    return uri;
  }
}
