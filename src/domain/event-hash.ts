/**
 * The GS1 EPCIS Event Hash ID (CBV 2.0, "EPCIS event hash"): an event id derived from the
 * event's content, so that two systems that receive the same event in different spellings
 * (XML or JSON, EPC URNs or Digital Links, bare or URI vocabulary, any key order, any time
 * zone) derive the same `ni:///sha-256;…?ver=CBV2.0`.
 *
 * The pre-hash string follows the algorithm of the GS1 reference implementation
 * (github.com/RalphTro/epcis-event-hash-generator, "CBV2.0" mode, whose published examples
 * the tests check):
 *
 * - `eventType=…`, then the standard fields in the canonical property order, each as
 *   `name=value`, concatenated without separators; absent and empty fields add nothing.
 * - A list adds its name once, then its elements sorted by code point (`epcListepc=…epc=…`).
 *   Elements with several fields are concatenated first and then sorted as wholes; `type` comes
 *   before the id in business transactions, sources and destinations.
 * - Identifiers become constrained canonical Digital Links on `https://id.gs1.org` (EPC URNs
 *   converted, other hosts replaced, query strings dropped, only the finest key level kept).
 * - CBV values become their web URIs (`https://ref.gs1.org/cbv/BizStep-shipping`), compact IRIs
 *   are expanded, times become UTC with milliseconds, numbers lose trailing zeros.
 * - In CBV 2.0 the sensor elements appear as `sensorElement…` without the list name.
 * - ILMD, user extensions and any non-standard field nested in a standard structure (with the
 *   names of its enclosing structures) form the tail: `{namespace}localName=value` strings,
 *   nested elements concatenated with their sorted children, all sorted and appended.
 * - eventID, recordTime, errorDeclaration and certificationInfo are not part of it.
 *
 * Where the written rules and the reference's published hashes differ, the hashes win, since the
 * point is that two systems derive the same id: bare sensor types expand to ref.gs1.org/voc (not
 * gs1.org/voc), certificationInfo is left out, every value that reads as a decimal number is
 * written as one (so an extension value "0012" hashes as "12"), and extension values are not
 * time-normalised. Where the reference's behaviour is not pinned by a published example, the
 * written rule is followed (a fourth decimal of 5–9 rounds the milliseconds up).
 */
import { cbvWebUri, isCbvValue, type CbvVocabulary } from './cbv.js';
import { gs1CheckDigit, parseObjectUri, parsePlaceUri, toDigitalLink } from './identifiers/index.js';
import { sha256Hex } from './sha256.js';

/** The algorithm version written into every hash id. */
export const EVENT_HASH_VERSION = 'CBV2.0';

type Json = unknown;
type JsonObject = Readonly<Record<string, Json>>;

/**
 * The GS1 web vocabulary as the reference implementation writes it (it adds `gs1` →
 * ref.gs1.org/voc to every document): bare sensor measurement and alert types expand into it.
 */
const GS1_VOCAB = 'https://ref.gs1.org/voc/';
const CBV_BASE = 'https://ref.gs1.org/cbv/';
const EPCIS_BASE = 'https://ref.gs1.org/epcis/';
const COMPONENT_VOCAB = `${CBV_BASE}Comp-`;

/** Compact IRIs in values expand with these (rule 15 names gs1, cbv and epcis) and the document's own prefixes. */
const DEFAULT_VALUE_PREFIXES: Readonly<Record<string, string>> = { gs1: GS1_VOCAB, cbv: CBV_BASE, epcis: EPCIS_BASE };
/**
 * Extension keys expand with these too. `cbvmda` is the XML namespace of the CBV master data
 * attributes (no trailing colon), so that `cbvmda:lotNumber` in ILMD hashes as it does from XML
 * unless the document declares the prefix itself.
 */
const DEFAULT_KEY_PREFIXES: Readonly<Record<string, string>> = { ...DEFAULT_VALUE_PREFIXES, cbvmda: 'urn:epcglobal:cbv:mda' };

/** The event-level fields the algorithm leaves out, besides those it places itself. */
const EXCLUDED = new Set(['type', 'eventID', 'recordTime', 'errorDeclaration', 'certificationInfo', 'id', 'isA']);

/** Keys that are never data: JSON-LD keywords, XML leftovers, comments. */
function isIgnoredKey(key: string): boolean {
  return (
    key.startsWith('@') ||
    key === '#text' ||
    key === 'comment' ||
    key === 'rdfs:comment' ||
    key === 'http://www.w3.org/2000/01/rdf-schema#comment'
  );
}

const SENSOR_METADATA_ORDER = [
  'time',
  'startTime',
  'endTime',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'bizRules',
] as const;
const SENSOR_REPORT_ORDER = [
  'type',
  'exception',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'time',
  'microorganism',
  'chemicalSubstance',
  'value',
  'component',
  'stringValue',
  'booleanValue',
  'hexBinaryValue',
  'uriValue',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
  'uom',
  'coordinateReferenceSystem',
] as const;
const QUANTITY_ORDER = ['epcClass', 'quantity', 'uom'] as const;

/**
 * The GS1 event hash id of an EPCIS 2.0 JSON(-LD) event: `ni:///sha-256;{hex}?ver=CBV2.0`.
 * `context` maps the document's JSON-LD prefixes to namespace IRIs (from its `@context`
 * objects), so that extension fields are named by their full namespace.
 */
export function eventHashId(event: Readonly<Record<string, unknown>>, context?: Readonly<Record<string, string>>, options: PreHashOptions = {}): string {
  return `ni:///sha-256;${(options.sha256 ?? sha256Hex)(preHashString(event, context, options))}?ver=${EVENT_HASH_VERSION}`;
}

export interface PreHashOptions {
  /**
   * Keep strings that read as numbers as strings (`"0012"` stays apart from `"12"` and from `12`).
   * Not the GS1 algorithm: Lotline uses it for the fingerprint that tells a re-sent event from a
   * different one, so that two events the GS1 rule would merge are a conflict, never a silent duplicate.
   */
  readonly strictValues?: boolean;
  /** SHA-256 of a UTF-8 string as lowercase hex; the edge may pass a native one (the domain's own is pure TypeScript). */
  readonly sha256?: (text: string) => string;
}

/** The canonical pre-hash string of an event, the input of the hash (exported to debug mismatches against other implementations). */
export function preHashString(event: Readonly<Record<string, unknown>>, context?: Readonly<Record<string, string>>, options: PreHashOptions = {}): string {
  return new PreHash(context ?? {}, options.strictValues === true).event(event);
}

/**
 * Both hash ids of an event at the cost of one when possible: the strict one (`strictValues`, the
 * fingerprint) and, unless `strictOnly`, the GS1 one (the derived eventID). They differ only where
 * a string value reads as a number, so when the GS1 pass meets no such value its pre-hash string
 * is the strict one too, and it is hashed once. Equal to two calls of {@link eventHashId}.
 */
export function eventHashIds(
  event: Readonly<Record<string, unknown>>,
  context: Readonly<Record<string, string>> | undefined,
  sha256: (text: string) => string = sha256Hex,
  strictOnly = false,
): { strict: string; gs1: string | undefined } {
  const id = (pre: string): string => `ni:///sha-256;${sha256(pre)}?ver=${EVENT_HASH_VERSION}`;
  if (strictOnly) return { strict: id(new PreHash(context ?? {}, true).event(event)), gs1: undefined };
  const gs1Pass = new PreHash(context ?? {}, false);
  const gs1 = id(gs1Pass.event(event));
  return { strict: gs1Pass.sawNumericString ? id(new PreHash(context ?? {}, true).event(event)) : gs1, gs1 };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An array as is, a single value as a one-element list, nothing as an empty one. */
function asList(v: Json): readonly Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function kv(name: string, value: string): string {
  return value === '' ? '' : `${name}=${value}`;
}

/**
 * Code-point order (the order of UTF-8 bytes), as the algorithm requires. It differs from
 * JavaScript's UTF-16 order only when a character above U+FFFF meets one in U+E000–U+FFFF.
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
      if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Characters where code-unit and code-point order can disagree (surrogates and what follows them). */
const HIGH = /[\ud800-\uffff]/;

function sortedJoin(parts: string[]): string {
  if (parts.length < 2) return parts.length === 0 ? '' : parts[0]!;
  // Without such characters the engine's own (code-unit) sort is code-point order.
  return (parts.some((p) => HIGH.test(p)) ? parts.sort(compareCodePoints) : parts.sort()).join('');
}

// ---------------------------------------------------------------------------------------------
// Value normalisation

/**
 * A number as the reference implementation writes it: integers without a fraction
 * (`200.0` → `200`), others in shortest round-trip form, exponent notation below 1e-4
 * (`1e-05`), as Python's repr does.
 */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  // a safe integer prints without exponent or fraction, as BigInt does (and -0 as "0")
  if (Number.isSafeInteger(n)) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  const exp = n.toExponential(); // shortest digits, e.g. "1.5e-7"
  const e = exp.indexOf('e');
  const power = Number(exp.slice(e + 1));
  if (power < -4) {
    const mantissa = exp.slice(0, e);
    const abs = Math.abs(power);
    return `${mantissa}e-${abs < 10 ? `0${abs}` : abs}`;
  }
  return String(n);
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const CBV_URNS: readonly (readonly [string, string])[] = [
  ['urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-'],
  ['urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-'],
  ['urn:epcglobal:cbv:btt:', 'https://ref.gs1.org/cbv/BTT-'],
  ['urn:epcglobal:cbv:sdt:', 'https://ref.gs1.org/cbv/SDT-'],
  ['urn:epcglobal:cbv:er:', 'https://ref.gs1.org/cbv/ER-'],
];

/** CBV 1.x URNs (from XML and EPCIS 1.2 sources) become CBV 2.0 web URIs, wherever they appear in a value. */
function cbvUrnsToWebUris(s: string): string {
  if (!s.includes('urn:epcglobal:cbv:')) return s;
  let out = s;
  for (const [urn, web] of CBV_URNS) out = out.replaceAll(urn, web);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Times

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?$/;

/**
 * A timestamp in UTC with exactly three decimals (`2020-03-04T10:00:30.000Z`); a fourth decimal of
 * 5–9 rounds the third up. A time without an offset is taken as UTC. Text that is not a date-time
 * is kept as it is.
 */
function utcMillis(s: string): string {
  const m = DATE_TIME.exec(s);
  if (m === null) return s;
  const [, y, mo, d, h, mi, sec = '0', frac = '', , sign, oh = '0', om = '0'] = m;
  let ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const fourth = frac[3];
  if (fourth !== undefined && fourth >= '5') ms += 1;
  const year = Number(y);
  let t: number;
  if (year >= 100) {
    // the same day and time arithmetic (out-of-range fields roll over alike) without two Date objects
    t = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  } else {
    // Date.UTC reads years 0–99 as 1900–1999
    const date = new Date(0);
    date.setUTCFullYear(year, Number(mo) - 1, Number(d));
    date.setUTCHours(Number(h), Number(mi), Number(sec), ms);
    t = date.getTime();
  }
  if (sign !== undefined) t -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  if (!Number.isFinite(t)) return s;
  const iso = new Date(t).toISOString();
  // Years outside 0000–9999 get an expanded form that is not xsd:dateTime; keep the input then.
  return iso.length === 24 ? iso : s;
}

// ---------------------------------------------------------------------------------------------
// Identifiers

const DL_BASE = 'https://id.gs1.org';

/** GS1 Digital Link short names (URI syntax 1.1) for the AIs they stand for. */
const DL_SHORT_NAMES: ReadonlyMap<string, string> = new Map([
  ['gtin', '01'],
  ['itip', '8006'],
  ['cpid', '8010'],
  ['gln', '414'],
  ['party', '417'],
  ['gsrnp', '8017'],
  ['gsrn', '8018'],
  ['gcn', '255'],
  ['sscc', '00'],
  ['gdti', '253'],
  ['ginc', '401'],
  ['gsin', '402'],
  ['grai', '8003'],
  ['giai', '8004'],
  ['cpv', '22'],
  ['lot', '10'],
  ['ser', '21'],
]);

/** Primary keys the constrained Digital Link keeps, each with its qualifiers from finest to coarsest. */
const DL_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['00', []],
  ['01', ['21', '10', '235']],
  ['253', []],
  ['255', []],
  ['401', []],
  ['402', []],
  ['414', ['254']],
  ['417', []],
  ['8003', []],
  ['8004', []],
  ['8006', ['21', '10']],
  ['8010', ['8011']],
  ['8017', []],
  ['8018', []],
]);

/** The AI a Digital Link path segment stands for (a short name such as `gtin`, or the AI itself). */
function aiOf(segment: string): string {
  return DL_SHORT_NAMES.get(segment) ?? segment;
}

/**
 * Characters a canonical Digital Link path segment keeps literal: those an EPC URI may carry
 * unescaped (TDS, table A-1). The others of GS1 character set 82 (`"`, `%`, `&`, `/`, `<`, `>`,
 * `?`) and anything else are percent-encoded, as the reference writes them.
 */
const SEGMENT_SAFE = /^[A-Za-z0-9!'()*+,\-.:;=_]$/;

function decodeOnce(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * One canonical percent-encoding for values in Digital Link paths, so that `LOT%2F7` in an EPC
 * URI, `LOT/7` decoded and `LOT%2f7` in a Digital Link all give the same string.
 */
function encodeSegment(value: string): string {
  let out = '';
  for (const ch of value) {
    if (SEGMENT_SAFE.test(ch)) {
      out += ch;
      continue;
    }
    // encodeURIComponent gives UTF-8 in uppercase hex but leaves '~' alone; a lone surrogate makes it throw.
    const enc = ch.length === 1 && ch >= '\ud800' && ch <= '\udfff' ? '%EF%BF%BD' : encodeURIComponent(ch);
    out += enc === ch ? `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : enc;
  }
  return out;
}

const HTTP_URL = /^https?:\/\/[^/?#]*([^?#]*)/i;

/**
 * The constrained canonical form of a Digital Link on any host (rule 18): `https://id.gs1.org`,
 * no query string or fragment, GTINs as GTIN-14, and only the finest identification level
 * (a serial over a lot, no CPV). Undefined when the URL holds no GS1 primary key.
 */
function constrainedDigitalLink(uri: string): string | undefined {
  const m = HTTP_URL.exec(uri);
  if (m === null) return undefined;
  const segs = (m[1] ?? '').split('/').filter((s) => s !== '');
  for (let i = 0; i + 1 < segs.length; i++) {
    const key = aiOf(segs[i] ?? '');
    const qualifiers = DL_KEYS.get(key);
    if (qualifiers === undefined) continue;
    let value = decodeOnce(segs[i + 1] ?? '');
    if (!/^\d{4}/.test(value)) continue;
    if (key === '01') {
      if (!/^(\d{8}|\d{12,14})$/.test(value)) continue;
      value = value.padStart(14, '0');
    }
    const found = new Map<string, string>();
    for (let j = i + 2; j + 1 < segs.length; j += 2) {
      const q = aiOf(segs[j] ?? '');
      if (!found.has(q)) found.set(q, decodeOnce(segs[j + 1] ?? ''));
    }
    let out = `${DL_BASE}/${key}/${encodeSegment(value)}`;
    const finest = qualifiers.find((q) => found.has(q));
    if (finest !== undefined) out += `/${finest}/${encodeSegment(found.get(finest) ?? '')}`;
    return out;
  }
  return undefined;
}

/**
 * The GS1 key `lead + company prefix + reference + check digit`, or undefined when the parts are
 * not digits, the prefix is not 6–12 digits, or the key (without check digit) is not `total` long.
 */
function keyWithCheck(cp: string, ref: string, total: number, lead = ''): string | undefined {
  const body = lead + cp + ref;
  if (!/^\d+$/.test(body) || cp.length < 6 || cp.length > 12 || body.length !== total) return undefined;
  return body + String(gs1CheckDigit(body));
}

/** A GTIN-14 from company prefix and indicator-plus-item-reference (the indicator moves to the front), as in SGTIN, ITIP and UPUI. */
function gtinOf(cp: string, indicatorAndRef: string): string | undefined {
  return keyWithCheck(cp, indicatorAndRef.slice(1), 13, indicatorAndRef.slice(0, 1));
}

/**
 * EPC schemes the identifier module does not interpret (documents, service relations, coupons,
 * components, consignments, shipments, pieces, TPX, and their patterns), converted the way TDS 2.x
 * maps them to GS1 element strings. Undefined when malformed.
 */
function otherEpcToDigitalLink(uri: string): string | undefined {
  const m = /^urn:epc:(id|idpat):([a-z]+):(.+)$/i.exec(uri);
  if (m === null) return undefined;
  const form = `${(m[1] ?? '').toLowerCase()}:${(m[2] ?? '').toLowerCase()}`;
  const f = (m[3] ?? '').split('.');
  const [a = '', b = '', c = '', d = '', e = ''] = f;
  const rest = (k: number): string => decodeOnce(f.slice(k).join('.'));
  const link = (key: string, value: string | undefined, tail = ''): string | undefined =>
    value === undefined ? undefined : `${DL_BASE}/${key}/${encodeSegment(value)}${tail}`;
  switch (form) {
    case 'id:gdti':
      return f.length >= 3 ? link('253', keyWithCheck(a, b, 12)?.concat(rest(2))) : undefined;
    case 'idpat:gdti':
      return link('253', keyWithCheck(a, b, 12));
    case 'id:gsrn':
      return link('8018', keyWithCheck(a, b, 17));
    case 'id:gsrnp':
      return link('8017', keyWithCheck(a, b, 17));
    case 'id:sgcn':
      return f.length === 3 && /^\d+$/.test(c) ? link('255', keyWithCheck(a, b, 12)?.concat(c)) : undefined;
    case 'idpat:sgcn':
      return link('255', keyWithCheck(a, b, 12));
    case 'id:ginc':
      return /^\d{6,12}$/.test(a) && f.length >= 2 ? link('401', a + rest(1)) : undefined;
    case 'id:gsin':
      return link('402', keyWithCheck(a, b, 16));
    case 'id:cpi':
      return /^\d{6,12}$/.test(a) && f.length === 3 && /^\d+$/.test(c)
        ? link('8010', a + decodeOnce(b), `/8011/${c}`)
        : undefined;
    case 'idpat:cpi':
      return /^\d{6,12}$/.test(a) && f.length === 3 ? link('8010', a + decodeOnce(b)) : undefined;
    case 'id:itip':
      return f.length >= 5 && /^\d{2}$/.test(c) && /^\d{2}$/.test(d)
        ? link('8006', gtinOf(a, b)?.concat(c, d), `/21/${encodeSegment(rest(4))}`)
        : undefined;
    case 'idpat:itip':
      return f.length === 5 && e === '*' ? link('8006', gtinOf(a, b)?.concat(c, d)) : undefined;
    case 'id:upui':
      return f.length >= 3 ? link('01', gtinOf(a, b), `/235/${encodeSegment(rest(2))}`) : undefined;
    case 'idpat:upui':
      return f.length === 3 && c === '*' ? link('01', gtinOf(a, b)) : undefined;
    case 'idpat:grai':
      // AI 8003 carries the GRAI with a leading filler zero.
      return f.length === 3 && c === '*' ? link('8003', keyWithCheck(a, b, 13, '0')) : undefined;
    default:
      return undefined;
  }
}

/** The Digital Link of an EPC URN, through the identifier module where it knows the scheme. */
function epcToDigitalLink(uri: string): string | undefined {
  try {
    const ref = parseObjectUri(uri);
    if (ref.kind !== 'other') {
      const dl = toDigitalLink(ref);
      return dl.startsWith(`${DL_BASE}/`) ? constrainedDigitalLink(dl) : undefined;
    }
    const place = /^urn:epc:id:(sgln|pgln):/i.test(uri) ? parsePlaceUri(uri) : undefined;
    if (place?.kind === 'sgln') {
      const ext = place.extension === undefined ? '' : `/254/${encodeSegment(place.extension)}`;
      return `${DL_BASE}/414/${place.gln}${ext}`;
    }
    if (place?.kind === 'pgln') return `${DL_BASE}/417/${place.gln}`;
  } catch {
    // A malformed identifier is hashed as written: the hash must exist for any event.
    return undefined;
  }
  return otherEpcToDigitalLink(uri);
}

/**
 * Identifiers repeat from event to event (read points, parties, lots), and their canonical form
 * depends on the string alone, so it is remembered. The memo is cleared when full to bound memory.
 */
const IDENTIFIER_MEMO_LIMIT = 20_000;
const identifierMemo = new Map<string, string | null>();

/** The canonical form of an identifier value, or undefined when the value is not a GS1 identifier. */
function canonicalIdentifier(s: string): string | undefined {
  const head = s.slice(0, 8).toLowerCase();
  const isEpc = head === 'urn:epc:';
  if (!isEpc && !head.startsWith('http://') && head !== 'https://') return undefined;
  const known = identifierMemo.get(s);
  if (known !== undefined) return known ?? undefined;
  const canonical = isEpc ? epcToDigitalLink(s) : constrainedDigitalLink(s);
  if (identifierMemo.size >= IDENTIFIER_MEMO_LIMIT) identifierMemo.clear();
  identifierMemo.set(s, canonical ?? null);
  return canonical;
}

// ---------------------------------------------------------------------------------------------
// The pre-hash string

class PreHash {
  /** Whether a string value read as a number (the only place where the strict pre-hash string differs). */
  sawNumericString = false;

  constructor(
    private readonly context: Readonly<Record<string, string>>,
    private readonly strictValues = false,
  ) {}

  /** The namespace of a prefix: the document's own declaration first, else the standard one. */
  private namespace(prefix: string, defaults: Readonly<Record<string, string>>): string | undefined {
    if (Object.hasOwn(this.context, prefix)) return this.context[prefix];
    return Object.hasOwn(defaults, prefix) ? defaults[prefix] : undefined;
  }

  event(e: JsonObject): string {
    const tail: string[] = [];
    const parts: string[] = [
      kv('eventType', this.plain(e['type'] ?? e['isA'])),
      kv('eventTime', this.time(e['eventTime'])),
      kv('eventTimeZoneOffset', this.plain(e['eventTimeZoneOffset'])),
      this.epcs('epcList', e['epcList']),
      kv('parentID', this.value(e['parentID'])),
      this.epcs('inputEPCList', e['inputEPCList']),
      this.epcs('childEPCs', e['childEPCs']),
      this.quantities('quantityList', e['quantityList'], tail),
      this.quantities('childQuantityList', e['childQuantityList'], tail),
      this.quantities('inputQuantityList', e['inputQuantityList'], tail),
      this.epcs('outputEPCList', e['outputEPCList']),
      this.quantities('outputQuantityList', e['outputQuantityList'], tail),
      kv('action', this.value(e['action'])),
      kv('transformationID', this.value(e['transformationID'])),
      kv('bizStep', this.cbv('bizStep', e['bizStep'])),
      kv('disposition', this.cbv('disposition', e['disposition'])),
      this.persistentDisposition(e['persistentDisposition'], tail),
      this.place('readPoint', e['readPoint'], tail),
      this.place('bizLocation', e['bizLocation'], tail),
      this.typedList('bizTransactionList', 'bizTransaction', 'btt', e['bizTransactionList'], tail),
      this.typedList('sourceList', 'source', 'sdt', e['sourceList'], tail),
      this.typedList('destinationList', 'destination', 'sdt', e['destinationList'], tail),
      this.sensorElements(e['sensorElementList'], tail),
    ];
    const ilmd = e['ilmd'];
    if (isObject(ilmd)) {
      const inner = this.extensionsOf(ilmd, NO_FIELDS);
      if (inner.length > 0) tail.push(`ilmd${sortedJoin(inner)}`);
    }
    tail.push(...this.extensionsOf(e, STANDARD_EVENT_FIELDS));
    return parts.join('') + sortedJoin(tail);
  }

  // --- values

  /** A value as written (trimmed), for fields the algorithm does not normalise. */
  private plain(v: Json): string {
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number') return formatNumber(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    return '';
  }

  /** Any value through the generic normalisation: compact IRIs, CBV URNs, numbers, identifiers. */
  private value(v: Json): string {
    if (typeof v === 'number') return formatNumber(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v !== 'string') return '';
    let s = v.trim();
    if (s === '') return '';
    s = cbvUrnsToWebUris(this.expandValue(s));
    if (NUMERIC.test(s)) {
      // Strings that read as decimal numbers are written as numbers (`23.0` → `23`, `0012` → `12`):
      // the reference implementation does this for every value, so an XML `<quantity>10.0</quantity>`
      // and a JSON `10` hash the same.
      this.sawNumericString = true;
      if (this.strictValues) return JSON.stringify(s);
      const n = Number(s);
      if (Number.isFinite(n)) return formatNumber(n);
    }
    return canonicalIdentifier(s) ?? s;
  }

  private time(v: Json): string {
    return typeof v === 'string' ? utcMillis(v.trim()) : this.plain(v);
  }

  /** A compact IRI whose prefix the document (or the standard context) declares, expanded. */
  private expandValue(s: string): string {
    const colon = s.indexOf(':');
    if (colon <= 0) return s;
    const ns = this.namespace(s.slice(0, colon), DEFAULT_VALUE_PREFIXES);
    return ns === undefined ? s : ns + s.slice(colon + 1);
  }

  /** An extension key as `{namespace}localName` when its prefix is declared, else as written. */
  private expandKey(key: string): string {
    const colon = key.indexOf(':');
    if (colon <= 0) return key;
    const ns = this.namespace(key.slice(0, colon), DEFAULT_KEY_PREFIXES);
    return ns === undefined ? key : `{${ns}}${key.slice(colon + 1)}`;
  }

  /** A CBV value in any spelling (bare, URN, web URI, compact IRI) as its web URI; user vocabulary through {@link value}. */
  private cbv(vocabulary: CbvVocabulary, v: Json): string {
    if (typeof v === 'string') {
      const s = this.expandValue(v.trim());
      if (isCbvValue(vocabulary, s)) return cbvWebUri(vocabulary, s);
    }
    return this.value(v);
  }

  /** A bare sensor term (measurement type, alert type, component) in its vocabulary; anything else through {@link value}. */
  private sensorTerm(vocab: string, v: Json): string {
    if (typeof v === 'string') {
      const s = v.trim();
      // The EPCIS JSON schema allows either a listed bare term or a URI here, so "no colon" means a bare term.
      if (s !== '' && !s.includes(':')) return vocab + s;
    }
    return this.value(v);
  }

  // --- standard structures

  private epcs(name: string, v: Json): string {
    const items = asList(v)
      .map((x) => kv('epc', this.value(x)))
      .filter((x) => x !== '');
    return items.length === 0 ? '' : name + sortedJoin(items);
  }

  private quantities(name: string, v: Json, tail: string[]): string {
    const items: string[] = [];
    const leftovers: string[] = [];
    for (const el of asList(v)) {
      if (!isObject(el)) continue;
      const body = QUANTITY_ORDER.map((k) => kv(k, this.value(el[k]))).join('');
      if (body !== '') items.push(`quantityElement${body}`);
      this.leftover('quantityElement', el, QUANTITY_ORDER, leftovers);
    }
    if (leftovers.length > 0) tail.push(name + sortedJoin(leftovers));
    return items.length === 0 ? '' : name + sortedJoin(items);
  }

  private persistentDisposition(v: Json, tail: string[]): string {
    if (!isObject(v)) return '';
    const set = asList(v['set']).map((x) => kv('set', this.cbv('disposition', x)));
    const unset = asList(v['unset']).map((x) => kv('unset', this.cbv('disposition', x)));
    this.leftover('persistentDisposition', v, SET_UNSET, tail);
    const body = sortedJoin(set) + sortedJoin(unset);
    return body === '' ? '' : `persistentDisposition${body}`;
  }

  private place(name: string, v: Json, tail: string[]): string {
    if (!isObject(v)) return kv(`${name}id`, this.value(v));
    this.leftover(name, v, ID_ONLY, tail);
    const id = kv('id', this.value(v['id']));
    return id === '' ? '' : name + id;
  }

  /** bizTransactionList, sourceList, destinationList: each element `type=…` then `{idKey}=…`, elements sorted. */
  private typedList(name: string, idKey: keyof typeof TYPED_FIELDS, vocabulary: CbvVocabulary, v: Json, tail: string[]): string {
    const items: string[] = [];
    const leftovers: string[] = [];
    for (const el of asList(v)) {
      if (!isObject(el)) continue;
      const body = kv('type', this.cbv(vocabulary, el['type'])) + kv(idKey, this.value(el[idKey]));
      if (body !== '') items.push(body);
      this.leftover(idKey, el, TYPED_FIELDS[idKey], leftovers);
    }
    if (leftovers.length > 0) tail.push(name + sortedJoin(leftovers));
    return items.length === 0 ? '' : name + sortedJoin(items);
  }

  /** CBV 2.0 writes each sensor element as `sensorElement…`, without the list name. */
  private sensorElements(v: Json, tail: string[]): string {
    const elements: string[] = [];
    for (const el of asList(v)) {
      if (!isObject(el)) continue;
      const leftovers: string[] = [];
      let body = '';
      const meta = el['sensorMetadata'];
      if (isObject(meta)) {
        const fields = SENSOR_METADATA_ORDER.map((k) =>
          kv(k, k.toLowerCase().endsWith('time') ? this.time(meta[k]) : this.value(meta[k])),
        ).join('');
        if (fields !== '') body += `sensorMetadata${fields}`;
        this.leftover('sensorMetadata', meta, SENSOR_METADATA_ORDER, leftovers);
      }
      const reports: string[] = [];
      for (const report of asList(el['sensorReport'])) {
        if (!isObject(report)) continue;
        const fields = SENSOR_REPORT_ORDER.map((k) => kv(k, this.sensorField(k, report[k]))).join('');
        if (fields !== '') reports.push(`sensorReport${fields}`);
        this.leftover('sensorReport', report, SENSOR_REPORT_ORDER, leftovers);
      }
      body += sortedJoin(reports);
      if (body !== '') elements.push(`sensorElement${body}`);
      leftovers.push(...this.extensionsOf(el, SENSOR_ELEMENT_FIELDS));
      if (leftovers.length > 0) tail.push(`sensorElement${sortedJoin(leftovers)}`);
    }
    return sortedJoin(elements);
  }

  private sensorField(key: (typeof SENSOR_REPORT_ORDER)[number], v: Json): string {
    switch (key) {
      case 'type':
      case 'exception':
        return this.sensorTerm(GS1_VOCAB, v);
      case 'component':
        return this.sensorTerm(COMPONENT_VOCAB, v);
      case 'time':
        return this.time(v);
      default:
        return this.value(v);
    }
  }

  // --- extensions

  /**
   * Non-standard fields of a standard structure go to the tail, under the structure's name:
   * `readPoint{ns}field=value`, `sensorElementsensorReport{ns}field=value`.
   */
  private leftover(name: string, obj: JsonObject, standard: readonly string[], into: string[]): void {
    const ext = this.extensionsOf(obj, setOf(standard));
    if (ext.length > 0) into.push(name + sortedJoin(ext));
  }

  /** The extension strings of an object's fields other than `standard` (one per array item). */
  private extensionsOf(obj: JsonObject, standard: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const [key, v] of Object.entries(obj)) {
      if (standard.has(key) || isIgnoredKey(key)) continue;
      this.extension(this.expandKey(key), v, out);
    }
    return out;
  }

  /**
   * One extension element: `{ns}name=value` for a value, `{ns}name` followed by its sorted
   * children for an object, one element per item for an array.
   */
  private extension(name: string, v: Json, out: string[]): void {
    if (Array.isArray(v)) {
      for (const item of v) this.extension(name, item, out);
      return;
    }
    if (isObject(v)) {
      // '#text' is how XML-to-JSON converters carry an element's own text next to its children.
      const text = kv('', this.value(v['#text']));
      out.push(name + text + sortedJoin(this.extensionsOf(v, NO_FIELDS)));
      return;
    }
    out.push(name + kv('', this.value(v)));
  }
}

const NO_FIELDS: ReadonlySet<string> = new Set();
const SENSOR_ELEMENT_FIELDS: ReadonlySet<string> = new Set(['sensorMetadata', 'sensorReport']);
const SET_UNSET = ['set', 'unset'] as const;
const ID_ONLY = ['id'] as const;
const TYPED_FIELDS = { bizTransaction: ['type', 'bizTransaction'], source: ['type', 'source'], destination: ['type', 'destination'] } as const;
const STANDARD_SETS = new Map<readonly string[], ReadonlySet<string>>();

/** The set of a list of standard field names (the lists are module constants, so each set is built once). */
function setOf(standard: readonly string[]): ReadonlySet<string> {
  let set = STANDARD_SETS.get(standard);
  if (!set) STANDARD_SETS.set(standard, (set = new Set(standard)));
  return set;
}

/** Fields of an event that are placed by the canonical property order or excluded from the hash. */
const STANDARD_EVENT_FIELDS: ReadonlySet<string> = new Set([
  ...EXCLUDED,
  'eventTime',
  'eventTimeZoneOffset',
  'epcList',
  'parentID',
  'inputEPCList',
  'childEPCs',
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputEPCList',
  'outputQuantityList',
  'action',
  'transformationID',
  'bizStep',
  'disposition',
  'persistentDisposition',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
  'sourceList',
  'destinationList',
  'sensorElementList',
  'ilmd',
]);
