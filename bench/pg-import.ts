/**
 * Bulk import into PostgreSQL: generates a native NDJSON file of the demo plant (about 80 events a
 * production day: receipts, batches with several inputs, packing, shipments, inspections, moves),
 * imports it into a new schema through the same path as `lotline import`, and prints the rate.
 *
 *   npx tsx bench/pg-import.ts [--events 200000] [--db postgres://postgres@127.0.0.1:5432/test] [--keep]
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { importFile } from '../src/capture/import-file.js';
import { readNativeValue } from '../src/capture/native/read-native-line.js';
import type { CapturedEvent } from '../src/store/event-store.js';
import { generateDemoPlant } from '../src/demo/demo-plant.js';
import { dropPostgresSchema, openPostgresStore } from '../src/store/postgres/open-postgres-store.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '200000' }, db: { type: 'string', default: process.env['LOTLINE_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test' }, keep: { type: 'boolean', default: false } },
});
const wanted = Number(values.events);
const dir = join(new URL('.', import.meta.url).pathname, '.data');
mkdirSync(dir, { recursive: true });
const file = join(dir, `pg-import-${wanted}.ndjson`);

/** 250 demo days; the generator refuses a seed whose random supplier lot codes collide, so try the next. */
function plantSegment(seed: number): ReturnType<typeof generateDemoPlant> {
  for (let s = seed; ; s++) {
    try {
      return generateDemoPlant({ days: 250, seed: s });
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith('duplicate lot'))) throw e;
    }
  }
}

if (!existsSync(file)) {
  const t = Date.now();
  // The demo plant's lot codes carry the date, so one plant runs at most a few hundred days:
  // longer files are segments of 250 days, each its own seed, two years later, lot codes suffixed.
  const out = createWriteStream(`${file}.tmp`);
  let written = 0;
  for (let segment = 0; written < wanted; segment++) {
    const plant = plantSegment(42 + segment * 101);
    for (const c of plant.commands) {
      if (written >= wanted) break;
      let line = JSON.stringify(c);
      if (segment > 0) {
        line = line
          .replace(/"(lot|batch)":"([^"]*)"/g, `"$1":"$2-S${segment}"`)
          .replace(/"time":"(\d{4})/g, (_m, y: string) => `"time":"${Number(y) + 2 * segment}`);
      }
      if (!out.write(`${line}\n`)) await once(out, 'drain');
      written++;
    }
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${file}.tmp`, file);
  console.error(`generated ${file} (${written} events) in ${Date.now() - t} ms`);
}

/**
 * The store's share alone: the same file read and captured in chunks of 1,000 events (as import
 * does), timing only the appends — what PostgreSQL costs, apart from parsing and hashing events.
 */
async function appendOnly(target: string): Promise<{ events: number; appendSeconds: number; captureSeconds: number }> {
  const store = await openPostgresStore(target);
  try {
    const session = await store.beginCapture();
    let appendNs = 0n;
    let captureNs = 0n;
    let events = 0;
    let chunk: CapturedEvent[] = [];
    const flush = async () => {
      const t = process.hrtime.bigint();
      await session.append(chunk);
      appendNs += process.hrtime.bigint() - t;
      events += chunk.length;
      chunk = [];
    };
    let t = process.hrtime.bigint();
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      const ev = readNativeValue(JSON.parse(line), []);
      if (!ev) throw new Error('bad line');
      chunk.push(ev);
      if (chunk.length >= 1000) {
        captureNs += process.hrtime.bigint() - t;
        await flush();
        t = process.hrtime.bigint();
      }
    }
    captureNs += process.hrtime.bigint() - t;
    await flush();
    const c = process.hrtime.bigint();
    await session.commit();
    appendNs += process.hrtime.bigint() - c;
    return { events, appendSeconds: Number(appendNs) / 1e9, captureSeconds: Number(captureNs) / 1e9 };
  } finally {
    await store.close();
  }
}

const base = new URL(values.db!);
base.searchParams.set('schema', `lotline_bench_append_${process.pid}`);
const appendUrl = base.toString();
const appended = await appendOnly(appendUrl).finally(() => (values.keep ? undefined : dropPostgresSchema(appendUrl)));

const url = new URL(values.db!);
url.searchParams.set('schema', `lotline_bench_${process.pid}`);
const store = await openPostgresStore(url.toString());
try {
  const started = process.hrtime.bigint();
  const summary = await importFile(store, file);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const verifyStart = process.hrtime.bigint();
  const v = await store.verify();
  const verifySeconds = Number(process.hrtime.bigint() - verifyStart) / 1e9;
  const stats = await store.stats();
  console.log(
    JSON.stringify({
      file,
      bytes: statSync(file).size,
      events: summary.events,
      stored: summary.stored,
      seconds: Number(seconds.toFixed(2)),
      eventsPerSecond: Math.round(summary.events / seconds),
      storeOnly: { events: appended.events, appendSeconds: Number(appended.appendSeconds.toFixed(2)), appendEventsPerSecond: Math.round(appended.events / appended.appendSeconds), captureSeconds: Number(appended.captureSeconds.toFixed(2)) },
      verify: { ok: v.ok, entries: v.entries, seconds: Number(verifySeconds.toFixed(2)) },
      stats,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    }),
  );
} finally {
  await store.close();
  if (!values.keep) await dropPostgresSchema(url.toString());
}
