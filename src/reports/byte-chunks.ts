/**
 * Text written as UTF-8 straight into large buffers, handed out one buffer at a time: what the CSV
 * and XLSX writers build a file in. A report of 137,000 rows made as one string per line (or per
 * cell) and joined spent most of its time allocating and collecting those strings and then
 * encoding the whole; here ASCII text (nearly all of a report) is copied byte by byte from the
 * report's own strings, and a full buffer goes to the deflater, the response or the file while
 * the next one fills, so the file is never held whole.
 */

/** Bytes of a buffer handed out at a time. */
export const CHUNK_BYTES = 1 << 20;

/** Room past CHUNK_BYTES, so that a row started in a nearly full buffer rarely has to grow it. */
const SLACK = 1 << 16;

export class ByteChunks {
  /** The buffer being filled; valid bytes are [0, pos). */
  buf: Buffer;
  pos = 0;

  constructor() {
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES + SLACK);
  }

  /** Whether the current buffer is big enough to hand out. */
  get full(): boolean {
    return this.pos >= CHUNK_BYTES;
  }

  /** The bytes written since the last take; writing goes on in a fresh buffer (the one returned is never touched again). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES + SLACK);
    this.pos = 0;
    return out;
  }

  /** Makes room for `n` more bytes (a cell longer than the slack moves what is written to a larger buffer). */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** Bytes made beforehand (the fixed parts of a line or a cell). */
  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    // short pieces (most): a loop is cheaper than a call into set()
    if (n < 24) for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    else {
      buf.set(b, p);
      p += n;
    }
    this.pos = p;
  }

  /** One byte (an ASCII character code). */
  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** Any text, as UTF-8. */
  utf8(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A number as JavaScript spells it (`String(n)`), digits written directly for integers. */
  number(n: number): void {
    // -0 takes the first branch and is written "0", as String(-0) is
    if (n === (n | 0) && n >= 0) this.digits(n);
    else if (n === (n | 0)) {
      this.byte(45);
      this.digits(-n);
    } else this.utf8(String(n));
  }

  /** A non-negative integer below 2^31 in decimal. */
  private digits(n: number): void {
    this.room(10);
    const buf = this.buf;
    let len = 1;
    for (let m = n; m >= 10; m = (m / 10) | 0) len++;
    let p = this.pos + len;
    this.pos = p;
    do {
      buf[--p] = 48 + (n % 10);
      n = (n / 10) | 0;
    } while (n > 0);
  }
}

/** The UTF-8 bytes of a fixed piece of text. */
export function utf8Bytes(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}
