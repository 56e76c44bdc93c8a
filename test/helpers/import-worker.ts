/**
 * A second Lotline process for the several-writers test: waits until the given start time (so that
 * both processes really write at once), then imports each file as its own capture.
 * Usage: node --import tsx test/helpers/import-worker.ts DB START_MS FILE...
 */
import { importFile } from '../../src/capture/import-file.js';
import { openStore } from '../../src/main.js';

const [db, startAt, ...files] = process.argv.slice(2);
const store = await openStore(db!, { create: true });
try {
  while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 5));
  for (const file of files) await importFile(store, file, { context: { actor: `worker:${process.pid}`, origin: 'test' } });
} finally {
  await store.close();
}
