/**
 * Compact forms of the per-event and per-node strings the event index holds, so that millions of
 * small strings do not sit on the heap (each costs its bytes plus ~20 of header and pointer, and
 * every full garbage collection walks them all). Each form is checked at the time it is made: a
 * value that would not come back byte for byte is kept as it came, so reading never guesses.
 */

/** GS1 event-hash ids (DESIGN.md §1): `ni:///sha-256;` + 64 lowercase hex digits + `?ver=CBV2.0`. */
const NI_PREFIX = 'ni:///sha-256;';
const NI_SUFFIX = '?ver=CBV2.0';
const NI_LENGTH = NI_PREFIX.length + 64 + NI_SUFFIX.length;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Writes the 32-byte digest of a GS1 event-hash id at `out[at…]`; false (nothing usable written) for any other id. */
export function packEventId(id: string, out: Uint8Array, at: number): boolean {
  if (id.length !== NI_LENGTH || !id.startsWith(NI_PREFIX) || !id.endsWith(NI_SUFFIX)) return false;
  for (let k = 0; k < 32; k++) {
    const hi = hexValue(id.charCodeAt(NI_PREFIX.length + 2 * k));
    const lo = hexValue(id.charCodeAt(NI_PREFIX.length + 2 * k + 1));
    if (hi < 0 || lo < 0) return false;
    out[at + k] = (hi << 4) | lo;
  }
  return true;
}

/** The characters of an id being unpacked: prefix and suffix written once, the 64 digits each time. */
const ID_CODES = new Uint16Array(NI_LENGTH);
for (let k = 0; k < NI_PREFIX.length; k++) ID_CODES[k] = NI_PREFIX.charCodeAt(k);
for (let k = 0; k < NI_SUFFIX.length; k++) ID_CODES[NI_PREFIX.length + 64 + k] = NI_SUFFIX.charCodeAt(k);
const HEX_CODES = new Uint16Array(16);
for (let k = 0; k < 16; k++) HEX_CODES[k] = k.toString(16).charCodeAt(0);

/** The id written by packEventId (made flat at once: a trace uses it as a map key). */
export function unpackEventId(bytes: Uint8Array, at: number): string {
  for (let k = 0, c = NI_PREFIX.length; k < 32; k++) {
    const b = bytes[at + k]!;
    ID_CODES[c++] = HEX_CODES[b >> 4]!;
    ID_CODES[c++] = HEX_CODES[b & 15]!;
  }
  return String.fromCharCode.apply(null, ID_CODES as unknown as number[]);
}

/** Offset value standing for a time written with `Z`. */
export const OFFSET_Z = 0x7fff;
/** Offset value standing for "not compact: the string is kept as it came". */
export const OFFSET_NONE = -0x8000;

const OFFSET_AT_END = /([+-])(\d{2}):(\d{2})$/;

/**
 * The offset, in minutes (or OFFSET_Z), that with `ms` gives `time` back exactly through
 * formatTime; OFFSET_NONE when it would not (other precisions, years beyond 9999, …).
 */
export function packTime(time: string, ms: number): number {
  let offset: number;
  if (time.endsWith('Z')) offset = OFFSET_Z;
  else {
    const m = OFFSET_AT_END.exec(time);
    if (!m) return OFFSET_NONE;
    offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  }
  return formatTime(ms, offset) === time ? offset : OFFSET_NONE;
}

const P2 = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const P3 = Array.from({ length: 1000 }, (_, n) => `.${String(n).padStart(3, '0')}`);
P3[0] = '';
const OFFSET_TEXT = new Map<number, string>();

function offsetText(offset: number): string {
  let t = OFFSET_TEXT.get(offset);
  if (t === undefined) {
    const a = Math.abs(offset);
    t = offset === OFFSET_Z ? 'Z' : `${offset < 0 ? '-' : '+'}${P2[Math.floor(a / 60)] ?? String(Math.floor(a / 60))}:${P2[a % 60]!}`;
    OFFSET_TEXT.set(offset, t);
  }
  return t;
}

/** Local times from 1970 to 9999 take the arithmetic path; others go through Date. */
const FAST_MAX = 253402300800000;

/**
 * The ISO time of `ms` written in its offset: seconds always, milliseconds when not zero. A trace
 * formats one per event row it returns (tens of thousands for a large recall), so the calendar
 * date is worked out with integer arithmetic (days to civil date) rather than through Date.
 */
export function formatTime(ms: number, offset: number): string {
  const local = offset === OFFSET_Z ? ms : ms + offset * 60_000;
  if (!Number.isInteger(local)) return '';
  if (local >= 0 && local < FAST_MAX) {
    const days = Math.floor(local / 86_400_000);
    let rest = local - days * 86_400_000;
    const milli = rest % 1000;
    rest = (rest - milli) / 1000;
    const sec = rest % 60;
    rest = (rest - sec) / 60;
    const min = rest % 60;
    const hour = (rest - min) / 60;
    // days since 1970-01-01 to year, month, day (the proleptic Gregorian calendar, eras of 400 years)
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return `${year}-${P2[month]!}-${P2[day]!}T${P2[hour]!}:${P2[min]!}:${P2[sec]!}${P3[milli]!}${offsetText(offset)}`;
  }
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  const body = iso.endsWith('.000Z') ? iso.slice(0, -5) : iso.slice(0, -1);
  return `${body}${offsetText(offset)}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Strings by number, kept as UTF-8 in one growing buffer: no object per string on the heap. */
export class StringPool {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private start = new Int32Array(1024);
  private length = new Int32Array(1024);
  /** Slots 0..size-1 may be set (unset ones read as ''). */
  size = 0;

  /** Sets slot `i` (slots are set once; a slot set again keeps its first bytes unused). */
  set(i: number, s: string): void {
    if (i >= this.start.length) {
      const n = Math.max(i + 1, this.start.length * 2);
      const start = new Int32Array(n);
      const length = new Int32Array(n);
      start.set(this.start);
      length.set(this.length);
      this.start = start;
      this.length = length;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 code unit
    if (this.used + 3 * s.length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + 3 * s.length));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    const { written } = encoder.encodeInto(s, this.bytes.subarray(this.used));
    this.start[i] = this.used;
    this.length[i] = written;
    this.used += written;
    if (i >= this.size) this.size = i + 1;
  }

  get(i: number): string {
    const n = this.length[i] ?? 0;
    if (n === 0) return '';
    const at = this.start[i]!;
    const b = this.bytes;
    // short ASCII codes (lot codes, serials) are read without the decoder's call overhead
    if (n <= 32) {
      let s = '';
      for (let k = at; k < at + n; k++) {
        const c = b[k]!;
        if (c >= 0x80) return decoder.decode(b.subarray(at, at + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(b.subarray(at, at + n));
  }

  /** Drops the growth slack. */
  trim(): void {
    this.bytes = this.bytes.slice(0, this.used);
    this.start = this.start.slice(0, this.size);
    this.length = this.length.slice(0, this.size);
  }

  get byteLength(): number {
    return this.bytes.byteLength + this.start.byteLength + this.length.byteLength;
  }
}
