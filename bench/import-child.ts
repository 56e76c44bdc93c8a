/**
 * Imports files into a SQLite store in a process of its own, so that the peak RSS measured is
 * the import's alone; prints one JSON line: events, stored, seconds, CPU µs per event, peak RSS.
 */
import { importFile } from '../src/capture/import-file.js';
import { openStore } from '../src/main.js';

const [db, ...files] = process.argv.slice(2);
if (!db || files.length === 0) {
  console.error('usage: import-child.ts DB FILE...');
  process.exit(2);
}
const store = await openStore(db, { create: true });
let events = 0;
let stored = 0;
let declared = 0;
const t0 = process.hrtime.bigint();
// CPU of this process, all threads (the capture thread too): on a shared machine the wall rate
// depends on the load, the CPU per event much less
const cpu0 = process.cpuUsage();
try {
  for (const f of files) {
    const s = await importFile(store, f, { context: { actor: 'bench', origin: 'bench' } });
    events += s.events;
    stored += s.stored;
    declared += s.declared;
  }
} finally {
  await store.close();
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuMicrosPerEvent = events > 0 ? (cpu.user + cpu.system) / events : 0;
console.log(JSON.stringify({ events, stored, declared, seconds, cpuMicrosPerEvent, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
