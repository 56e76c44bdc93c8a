/**
 * Loaded into `lotline serve` with `node --import` by the load soak (bench/load-soak.ts), not part
 * of Lotline: every LOTLINE_MEMORY_SAMPLE_MS (default 1000) it appends one JSON line to
 * LOTLINE_MEMORY_SAMPLES with the server's own memory (RSS, live heap, external, array buffers)
 * and CPU time (epoch ms in `at`), so that the soak reads the heap of the process it loads — /proc gives only RSS —
 * without adding a route to the product for it.
 */
import { appendFileSync } from 'node:fs';

const file = process.env['LOTLINE_MEMORY_SAMPLES'];
if (file) {
  const every = Number(process.env['LOTLINE_MEMORY_SAMPLE_MS'] ?? 1000);
  // With LOTLINE_MEMORY_GC=1 and node --expose-gc: a full GC first, so heapUsed is the live heap.
  const gc = process.env['LOTLINE_MEMORY_GC'] === '1' ? (globalThis as { gc?: () => void }).gc : undefined;
  const sample = (): void => {
    gc?.();
    const m = process.memoryUsage();
    const cpu = process.cpuUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 })}\n`);
  };
  sample();
  // unref: the sampler never keeps a stopping server alive
  setInterval(sample, every).unref();
}
