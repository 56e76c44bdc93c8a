/** The typed-array building blocks of the in-memory indexes (genealogy-index.ts, event-index.ts). */

/** A growable column of numbers. */
export class Column<A extends Int32Array | Int16Array | Float64Array | Uint8Array> {
  data: A;
  constructor(private readonly make: (n: number) => A) {
    this.data = make(1024);
  }
  /** Drops the growth slack beyond `n` (plus an eighth, for what is still to come). */
  trim(n: number): void {
    if (this.data.length <= n + (n >> 2)) return;
    const next = this.make(n + (n >> 3) + 1);
    next.set(this.data.subarray(0, n));
    this.data = next;
  }
  ensure(n: number): void {
    if (n <= this.data.length) return;
    const next = this.make(Math.max(n, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }
}

/** Compressed rows: ids 0..size-1, each with a slice of flow indices. */
export interface Csr {
  readonly offsets: Int32Array;
  readonly flows: Int32Array;
}

export function buildCsr(keys: Int32Array, count: number, size: number, include: (i: number) => boolean): Csr {
  const offsets = new Int32Array(size + 2);
  for (let i = 0; i < count; i++) if (include(i)) offsets[keys[i]! + 1]! += 1;
  for (let k = 1; k < offsets.length; k++) offsets[k]! += offsets[k - 1]!;
  const fill = offsets.slice(0, size + 1);
  const flows = new Int32Array(offsets[size + 1]!);
  for (let i = 0; i < count; i++) if (include(i)) flows[fill[keys[i]!]!++] = i;
  return { offsets, flows };
}

/** Appends `i` to the list of `k`. */
export function pushTo(m: Map<number, number[]>, k: number, i: number): void {
  const l = m.get(k);
  if (l) l.push(i);
  else m.set(k, [i]);
}

/**
 * The next stamp for marks stamped with a call's number (a mark equal to the stamp means "seen in
 * this call"): `epoch + 1`, or, near the top of the 31-bit range, 1 with every mark cleared.
 */
export function nextEpoch(epoch: number, marks: readonly Int32Array[]): number {
  if (epoch < 0x7ffffff0) return epoch + 1;
  for (const m of marks) m.fill(0);
  return 1;
}
