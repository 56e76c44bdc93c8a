/** Timing helpers: nearest-rank percentiles and result-size buckets. */

/** The nearest-rank percentile `p` (0–100) of `xs`; NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99), max: xs.length ? Math.max(...xs) : NaN };
}

/** Result-size buckets (lots reached), as the issue asks the traces to be reported. */
export const SIZE_BUCKETS = [
  { label: '1–10', max: 10 },
  { label: '11–100', max: 100 },
  { label: '101–1,000', max: 1000 },
  { label: '1,001–10,000', max: 10_000 },
  { label: '> 10,000', max: Infinity },
] as const;

export function bucketOf(size: number): string {
  return SIZE_BUCKETS.find((b) => size <= b.max)!.label;
}

/** Milliseconds taken by `f`. */
export async function timed<T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await f();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export function fmtMs(ms: number): string {
  if (Number.isNaN(ms)) return '–';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}
