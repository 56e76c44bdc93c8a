/**
 * A ZIP archive (PKWARE APPNOTE 6.3: local headers, deflated data, central directory) of a few
 * files built in memory: what an XLSX package is. Written here rather than through a library
 * because the spreadsheet writer's zip layer was most of the time a large report took.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  /** The file's content, or its text in pieces (a large sheet), each deflated as it comes. */
  readonly data: string | Uint8Array | Iterable<string>;
}

/** An empty final block (fixed Huffman, end of block only): what ends a stream of flushed pieces. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * Deflates a file piece by piece: each piece is compressed on its own and ends with a sync flush
 * (no final bit), so the pieces one after another and a final empty block are one valid deflate
 * stream (RFC 1951), and the whole text is never held as one string or buffer.
 */
function deflatePieces(data: ZipEntry['data'], level: number): { packed: Buffer[]; crc: number; size: number } {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    const raw = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    return { packed: [deflateRawSync(raw, { level })], crc: crc32(raw), size: raw.length };
  }
  const packed: Buffer[] = [];
  let crc = 0;
  let size = 0;
  for (const piece of data) {
    if (piece === '') continue;
    const raw = Buffer.from(piece, 'utf8');
    crc = crc32(raw, crc);
    size += raw.length;
    packed.push(deflateRawSync(raw, { level, finishFlush: constants.Z_SYNC_FLUSH }));
  }
  packed.push(FINAL_BLOCK);
  return { packed, crc, size };
}

/** DOS date and time of 1980-01-01 00:00: a fixed stamp, so the same content gives the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** The archive's bytes; `level` is zlib's deflate level (1 is fast, 9 small). */
export function zipArchive(entries: readonly ZipEntry[], level = 1): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const { packed: pieces, crc, size } = deflatePieces(e.data, level);
    const packedLength = pieces.reduce((n, b) => n + b.length, 0);
    if (size > 0xffffffff) throw new RangeError(`${e.name} is larger than 4 GiB`);
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packedLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4); // made by: 2.0
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt16LE(DOS_TIME, 12);
    dir.writeUInt16LE(DOS_DATE, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packedLength, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    // extra, comment, disk, internal attributes: 0; external attributes: 0
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, ...pieces);
    central.push(dir, name);
    offset += local.length + name.length + packedLength;
    // ZIP64 is not written: a sheet beyond 4 GiB is far past what a spreadsheet program opens.
    if (offset > 0xffffffff) throw new RangeError('the archive is larger than 4 GiB');
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}
