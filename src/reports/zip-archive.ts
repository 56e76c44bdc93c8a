/**
 * A ZIP archive (PKWARE APPNOTE 6.3: local headers, deflated data, data descriptors, central
 * directory) written as a stream: what an XLSX package is. Written here rather than through a
 * library because the spreadsheet writer's zip layer was most of the time a large report took.
 *
 * Each file's CRC and sizes follow its data in a data descriptor (general purpose bit 3), as
 * every streaming ZIP writer does, so a file can be sent as it is made: a large sheet never
 * exists whole, compressed or not. The data is deflated in pieces of about a megabyte on zlib's
 * thread pool while the caller makes the next pieces.
 */
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  /**
   * The file's content, or its content in pieces (a large sheet), each deflated as it comes. An
   * iterable is read only when the archive reaches the entry, so a generator may depend on what
   * the entries before it wrote.
   */
  readonly data: string | Uint8Array | Iterable<string | Uint8Array>;
}

const deflatePiece = promisify(deflateRaw);

/** An empty final block (fixed Huffman, end of block only): what ends a stream of flushed pieces. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** Pieces being deflated at once: zlib's pool has four threads; more only holds memory. */
const IN_FLIGHT = 3;

/** DOS date and time of 1980-01-01 00:00: a fixed stamp, so the same content gives the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Names are UTF-8 (bit 11); CRC and sizes come after the data (bit 3). */
const FLAGS = 0x0808;

function pieces(data: ZipEntry['data']): Iterable<string | Uint8Array> {
  return typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
}

/**
 * The archive's bytes as they are made; `level` is zlib's deflate level (1 is fast, 9 small).
 * Each piece is deflated on its own and ends with a sync flush (no final bit), so the pieces one
 * after another and a final empty block are one valid deflate stream (RFC 1951).
 */
export async function* zipStream(entries: readonly ZipEntry[], level = 1): AsyncGenerator<Buffer> {
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(FLAGS, 6);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    // CRC and sizes: 0 here, in the data descriptor
    local.writeUInt16LE(name.length, 26);
    yield Buffer.concat([local, name]);
    let crc = 0;
    let size = 0;
    let packed = 0;
    const pending: Promise<Buffer>[] = [];
    for (const piece of pieces(e.data)) {
      const raw = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      if (raw.length === 0) continue;
      crc = crc32(raw, crc);
      size += raw.length;
      const deflating = deflatePiece(raw, { level, finishFlush: constants.Z_SYNC_FLUSH });
      // a reader that stops early (a closed connection) leaves pieces unawaited: not an unhandled rejection
      deflating.catch(() => {});
      pending.push(deflating);
      if (pending.length >= IN_FLIGHT) {
        const out = await pending.shift()!;
        packed += out.length;
        yield out;
      }
    }
    for (const p of pending) {
      const out = await p;
      packed += out.length;
      yield out;
    }
    packed += FINAL_BLOCK.length;
    yield FINAL_BLOCK;
    // ZIP64 is not written: a sheet beyond 4 GiB is far past what a spreadsheet program opens.
    if (size > 0xffffffff) throw new RangeError(`${e.name} is larger than 4 GiB`);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc, 4);
    descriptor.writeUInt32LE(packed, 8);
    descriptor.writeUInt32LE(size, 12);
    yield descriptor;
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4); // made by: 2.0
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(FLAGS, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt16LE(DOS_TIME, 12);
    dir.writeUInt16LE(DOS_DATE, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packed, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    // extra, comment, disk, internal attributes: 0; external attributes: 0
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += local.length + name.length + packed + descriptor.length;
    if (offset > 0xffffffff) throw new RangeError('the archive is larger than 4 GiB');
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  yield Buffer.concat([...central, end]);
}

/** The archive's bytes, whole. */
export async function zipArchive(entries: readonly ZipEntry[], level = 1): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of zipStream(entries, level)) parts.push(b);
  return Buffer.concat(parts);
}
