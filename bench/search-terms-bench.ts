/**
 * `npx tsx bench/search-terms-bench.ts [postgres-url]`: search by order number and customer on the
 * demo plant, through the term index (event_terms) against the body scan it replaces (a substring
 * test of every event body), on SQLite and, given a URL, PostgreSQL; and the dashboard's lots on
 * hold. Wall time (median, p95) and CPU time of this process per call (the machine is shared).
 */
import { cpus, loadavg } from 'node:os';
import { loadDemo } from '../src/cli/demo.js';
import { lotsOnHold } from '../src/genealogy/lots-on-hold.js';
import type { EventStore } from '../src/store/event-store.js';
import { openPostgresStore, dropPostgresSchema } from '../src/store/postgres/open-postgres-store.js';
import { openSqliteStore } from '../src/store/sqlite/open-sqlite-store.js';
import { searchByTerm } from '../src/server/search-by-term.js';

async function measure(label: string, repeats: number, fn: () => Promise<unknown>): Promise<void> {
  await fn();
  const wall: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await fn();
    wall.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  wall.sort((a, b) => a - b);
  const q = (p: number) => wall[Math.min(wall.length - 1, Math.floor(p * wall.length))]!.toFixed(2);
  console.log(`${label.padEnd(58)} p50 ${q(0.5).padStart(8)} ms  p95 ${q(0.95).padStart(8)} ms  cpu ${((cpu.user + cpu.system) / 1000 / repeats).toFixed(2).padStart(7)} ms/call`);
}

async function run(name: string, store: EventStore, scan: (text: string) => Promise<number>): Promise<void> {
  const stats = await store.stats();
  console.log(`\n${name}: ${stats.events} events`);
  for (const q of ['SO-2026-701', 'FreshMart']) {
    await measure(`${name} eventsByTerm(${q}) limit 20`, 50, () => store.eventsByTerm(q, 20));
    await measure(`${name} search route part (${q}): events, objects, nodes`, 50, () => searchByTerm(store, undefined, q, 20));
    await measure(`${name} body scan (${q}), the old way`, 10, () => scan(q));
  }
  await measure(`${name} lots on hold now`, 10, () => lotsOnHold(store, 100));
}

async function main(): Promise<void> {
  console.log(`${new Date().toISOString()} · ${cpus().length} cores · load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const sqlite = openSqliteStore(':memory:');
  await loadDemo(sqlite);
  const db = (sqlite as unknown as { db: { prepare(sql: string): { get(...p: unknown[]): unknown } } }).db;
  await run('SQLite', sqlite, async (text) => (db.prepare("SELECT count(*) AS n FROM events e JOIN log l ON l.seq = e.seq WHERE instr(lower(l.body), lower(?)) > 0").get(text) as { n: number }).n);
  await sqlite.close();
  const url = process.argv[2];
  if (url) {
    const pg = await openPostgresStore(url);
    try {
      await loadDemo(pg);
      const client = (pg as unknown as { client: { query(sql: string, p: unknown[]): Promise<{ rows: { n: string }[] }> } }).client;
      await run('PostgreSQL', pg, async (text) => Number((await client.query('SELECT count(*) AS n FROM events e JOIN log l ON l.seq = e.seq WHERE strpos(lower(l.body), lower($1)) > 0', [text])).rows[0]!.n));
    } finally {
      await pg.close();
      await dropPostgresSchema(url);
    }
  }
  console.log(`load after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

await main();
