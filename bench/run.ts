/**
 * `npm run bench [-- --quick] [--preset NAME] [--json out.json] [--md out.md] [--dir DIR] [--samples N] [--only SECTION,…]`
 *
 * Generates a plant, imports it, and measures Lotline against its two baselines on the same
 * data: a hand-written recursive CTE (UNION) and a bare BFS over typed arrays. Every sampled
 * trace must return the same node set from all three, else the run fails (exit code 1). With
 * LOTLINE_TEST_PG set, the plant is also imported into a PostgreSQL schema of the run's own
 * (dropped at the end) and traced there against the same CTE. Capture over HTTP is measured with
 * `lotline serve` and the load generator in two child processes; a request not answered 201 fails
 * the run. Sections whose prerequisite is missing are skipped with the reason printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { importFile } from '../src/capture/import-file.js';
import type { ObjectRef } from '../src/domain/identifiers/object-ref.js';
import { refFromColumns } from '../src/domain/identifiers/object-ref.js';
import { GenealogyIndex, withGenealogyIndex } from '../src/genealogy/genealogy-index.js';
import { lotState } from '../src/genealogy/lot-state.js';
import { DEFAULT_MAX_NODES, trace, visibilityFor } from '../src/genealogy/trace.js';
import { reachSet } from '../src/genealogy/reach-set.js';
import { openStore } from '../src/main.js';
import type { EventStore } from '../src/store/event-store.js';
import type { CsrGraph } from './harness/csr-graph.js';
import { csrFromFlows } from './harness/csr-graph.js';
import { disagreements, lotSet, traceLots } from './harness/agreement.js';
import { SqliteCte, visibleFlows } from './harness/sqlite-cte.js';
import { bucketOf, fmtMs, SIZE_BUCKETS, summarize, timed } from './harness/stats.js';
import type { Summary } from './harness/stats.js';
import type { ItemCategory, PlantManifest } from './plant/generate-plant.js';
import { rng } from './plant/generate-plant.js';
import { isPresetName, PRESET_NAMES, PRESETS } from './plant/presets.js';
import type { PresetName } from './plant/presets.js';
import { writePlant } from './plant/write-plant.js';
import { tankChainLines } from './plant/tank-chain.js';
import type { HttpCaptureResult, LoadPlan } from './harness/http-capture.js';
import { measureHttpCapture } from './harness/http-capture.js';
import { PgCte, pgClient } from './harness/pg-cte.js';
import { measureFsma204 } from './reports-bench.js';
import { dropPostgresSchema, redactUrl } from '../src/store/postgres/open-postgres-store.js';
import { benchRecall } from './recall-bench.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
type Direction = 'forward' | 'backward';
const DIRECTIONS: Direction[] = ['forward', 'backward'];

interface Options {
  preset: PresetName;
  quick: boolean;
  samples: number;
  dir: string;
  keep: boolean;
  /** Reuse the plant and database a previous run left in `dir`: no generation, no import. */
  reuse: boolean;
  json?: string;
  md?: string;
  /** Run only these sections (and the plant generation they all need). */
  only?: readonly string[];
}

interface BenchContext {
  readonly opts: Options;
  readonly results: Record<string, unknown>;
  readonly failures: string[];
  readonly lines: string[];
  db: string;
  manifest?: PlantManifest;
  files: string[];
  /** Set by the SQLite trace section, reused by the later ones. */
  sqlite?: SqliteData;
  /** The PostgreSQL schema the plant was imported into (`postgres://…?schema=`), when it was. */
  pgUrl?: string;
  /** Why there is no `pgUrl`. */
  pgSkipped?: string;
  /** Run at the end whatever happens (schemas to drop). */
  readonly cleanups: (() => Promise<void>)[];
}

interface SqliteData {
  readonly store: EventStore;
  /** The same store, traces served by the in-memory genealogy index. */
  readonly indexed: EventStore;
  readonly raw: Database.Database;
  readonly csr: CsrGraph;
  readonly refs: (ObjectRef | undefined)[];
  readonly category: (ItemCategory | undefined)[];
}

/** One part of the run; `run` returns a reason to skip, or records its figures. */
interface Section {
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<string | void>;
}

function out(ctx: BenchContext, line = ''): void {
  ctx.lines.push(line);
  console.log(line);
}

function table(ctx: BenchContext, header: string[], rows: (string | number)[][]): void {
  out(ctx, `| ${header.join(' | ')} |`);
  out(ctx, `| ${header.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const r of rows) out(ctx, `| ${r.join(' | ')} |`);
  out(ctx);
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(1)}×` : '–');

// ─── sections ────────────────────────────────────────────────────────────────

const generate: Section = {
  name: 'generate',
  title: 'Generated plant',
  async run(ctx) {
    const params = PRESETS[ctx.opts.preset];
    const base = join(ctx.opts.dir, ctx.opts.preset);
    if (ctx.opts.reuse) {
      ctx.manifest = JSON.parse(readFileSync(`${base}.manifest.json`, 'utf8')) as PlantManifest;
      ctx.files = [`${base}.ndjson`];
      ctx.results['generate'] = { preset: ctx.opts.preset, params: ctx.manifest.params, counts: ctx.manifest.counts, reused: base };
      const c = ctx.manifest.counts;
      out(ctx, `Reused from ${base}.ndjson: ${int(c.events)} events, ${int(c.lots)} lots, ${int(c.edges)} edges.`);
      out(ctx);
      return;
    }
    const t = await timed(() => writePlant(params, base, 'ndjson'));
    ctx.files = t.value.files;
    ctx.manifest = t.value.manifest;
    const c = t.value.manifest.counts;
    ctx.results['generate'] = { preset: ctx.opts.preset, params, counts: c, bytes: t.value.bytes, seconds: t.ms / 1000 };
    table(ctx, ['preset', 'events', 'lots', 'edges', 'batches', 'shipments', 'pallets', 'late', 'error declarations', 'NDJSON'], [
      [ctx.opts.preset, int(c.events), int(c.lots), int(c.edges), int(c.batches), int(c.shipments), int(c.pallets), int(c.late), int(c.declarations), `${(t.value.bytes / 1048576).toFixed(0)} MiB`],
    ]);
  },
};

const sqliteImport: Section = {
  name: 'sqliteImport',
  title: 'Bulk import into SQLite (NDJSON, one process of its own)',
  async run(ctx) {
    ctx.db = join(ctx.opts.dir, `${ctx.opts.preset}.db`);
    if (ctx.opts.reuse) {
      if (!existsSync(ctx.db)) throw new Error(`--reuse: there is no ${ctx.db} to reuse`);
      return `--reuse: the database ${ctx.db} imported by an earlier run is used`;
    }
    rmSync(ctx.db, { force: true });
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/import-child.ts'), ctx.db, ...ctx.files], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) {
      ctx.failures.push(`import failed: ${child.stderr.slice(0, 2000)}`);
      throw new Error(`the generated plant did not import: ${child.stderr.slice(0, 2000)}`);
    }
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { events: number; stored: number; declared: number; seconds: number; cpuMicrosPerEvent: number; peakRssMiB: number };
    if (r.stored + r.declared !== r.events) ctx.failures.push(`import: ${r.events} events read but ${r.stored} stored and ${r.declared} declared`);
    const perSecond = r.events / r.seconds;
    ctx.results['sqliteImport'] = { ...r, eventsPerSecond: perSecond, target: 100_000 };
    table(ctx, ['events', 'seconds', 'events/s', 'CPU µs/event', 'peak RSS', 'target'], [
      [int(r.events), r.seconds.toFixed(1), int(perSecond), r.cpuMicrosPerEvent.toFixed(0), `${r.peakRssMiB.toFixed(0)} MiB`, '≥ 100,000 events/s'],
    ]);
  },
};

/** `LOTLINE_TEST_PG` with a schema of this run's own, or the reason there is none. */
async function pgTarget(ctx: BenchContext, purpose: string): Promise<string | { skip: string }> {
  const base = process.env['LOTLINE_TEST_PG'];
  if (!base) return { skip: 'LOTLINE_TEST_PG is not set' };
  const url = new URL(base);
  url.searchParams.set('schema', `lotline_bench_${purpose}_${process.pid}_${Date.now().toString(36)}`);
  const target = url.toString();
  try {
    await (await openStore(target, { create: true })).close();
  } catch (e) {
    return { skip: `PostgreSQL at ${redactUrl(base)} is not available (${e instanceof Error ? e.message : String(e)})` };
  }
  ctx.cleanups.push(() => dropPostgresSchema(target));
  return target;
}

const postgresImport: Section = {
  name: 'postgresImport',
  title: 'Bulk import into PostgreSQL (NDJSON, one process of its own)',
  async run(ctx) {
    const target = await pgTarget(ctx, 'import');
    if (typeof target !== 'string') return (ctx.pgSkipped = target.skip);
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/import-child.ts'), target, ...ctx.files], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) {
      ctx.failures.push(`PostgreSQL import failed: ${child.stderr.slice(0, 2000)}`);
      ctx.pgSkipped = 'the import into PostgreSQL failed';
      return;
    }
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { events: number; stored: number; declared: number; seconds: number; cpuMicrosPerEvent: number; peakRssMiB: number };
    if (r.stored + r.declared !== r.events) ctx.failures.push(`PostgreSQL import: ${r.events} events read but ${r.stored} stored and ${r.declared} declared`);
    ctx.pgUrl = target;
    const perSecond = r.events / r.seconds;
    const sqlite = ctx.results['sqliteImport'] as { eventsPerSecond: number } | undefined;
    ctx.results['postgresImport'] = { ...r, eventsPerSecond: perSecond, schema: new URL(target).searchParams.get('schema') };
    table(ctx, ['events', 'seconds', 'events/s', 'CPU µs/event (import process)', 'peak RSS (import process)', 'SQLite ÷ PostgreSQL'], [
      [int(r.events), r.seconds.toFixed(1), int(perSecond), r.cpuMicrosPerEvent.toFixed(0), `${r.peakRssMiB.toFixed(0)} MiB`, sqlite ? ratio(sqlite.eventsPerSecond, perSecond) : '–'],
    ]);
  },
};

const httpCapture: Section = {
  name: 'httpCapture',
  title: 'Capture over HTTP (`lotline serve` in one process, autocannon in another)',
  async run(ctx) {
    const q = ctx.opts.quick;
    const plans: LoadPlan[] = [
      { label: 'single', requests: q ? 1500 : 20_000, perRequest: 1, connections: 10 },
      { label: 'batch100', requests: q ? 30 : 500, perRequest: 100, connections: 4 },
    ];
    const warmUp = q ? 200 : 1000;
    const targets: [string, string][] = [];
    const sqliteDb = join(ctx.opts.dir, 'http.db');
    rmSync(sqliteDb, { force: true });
    targets.push(['SQLite', sqliteDb]);
    const pg = await pgTarget(ctx, 'http');
    if (typeof pg === 'string') targets.push(['PostgreSQL', pg]);
    else out(ctx, `PostgreSQL not measured: ${pg.skip}.`);
    const rows: (string | number)[][] = [];
    const results: Record<string, HttpCaptureResult> = {};
    for (const [engine, db] of targets) {
      const r = await measureHttpCapture(ROOT, db, ctx.opts.dir, plans, warmUp);
      results[engine] = r;
      ctx.failures.push(...r.failures);
      for (const x of r.runs) {
        rows.push([engine, x.perRequest === 1 ? 'one event' : `array of ${x.perRequest}`, int(x.requests), x.connections, int(x.eventsPerSecond), int(x.requestsPerSecond), x.latencyMs.p50, x.latencyMs.p99, x.latencyMs.max, x.created === x.requests ? 'all' : `${x.requests - x.created} not`]);
      }
    }
    out(ctx, `POST /api/v1/events with an operator API key; every body new (a receipt of a lot never seen before), so every event is stored and answered 201. ${int(warmUp)} warm-up requests first, not counted. Latency in whole ms as autocannon reports it.`);
    out(ctx);
    table(ctx, ['store', 'body', 'requests', 'connections', 'events/s', 'requests/s', 'p50 (ms)', 'p99 (ms)', 'max (ms)', '201'], rows);
    ctx.results['httpCapture'] = { warmUp, plans, ...results };
  },
};

async function loadSqlite(ctx: BenchContext): Promise<SqliteData> {
  if (ctx.sqlite) return ctx.sqlite;
  const store = await openStore(ctx.db, { create: false });
  const raw = new Database(ctx.db, { readonly: true });
  raw.pragma('cache_size = -262144');
  const refs: (ObjectRef | undefined)[] = [];
  const category: (ItemCategory | undefined)[] = [];
  const items = ctx.manifest!.items;
  for (const n of raw.prepare('SELECT id, kind, item, code FROM nodes').iterate() as IterableIterator<{ id: number; kind: string; item: string; code: string }>) {
    refs[n.id] = refFromColumns(n.kind, n.item, n.code);
    if (n.kind === 'lot') category[n.id] = items[n.item];
  }
  const t = await timed(() =>
    csrFromFlows(visibleFlows(raw)),
  );
  ctx.results['csr'] = { edges: t.value.edges, megabytes: t.value.bytes / 1048576, loadSeconds: t.ms / 1000 };
  out(ctx, `Typed-array baseline: ${int(t.value.edges)} flow entries, ${(t.value.bytes / 1048576).toFixed(1)} MiB, loaded from SQLite in ${(t.ms / 1000).toFixed(2)} s.`);
  out(ctx);
  const built = await timed(() => GenealogyIndex.build(store));
  ctx.results['genealogyIndex'] = { flows: built.value.size, megabytes: built.value.bytes / 1048576, recordsMegabytes: built.value.records.bytes / 1048576, buildSeconds: built.ms / 1000 };
  out(ctx, `Genealogy index: ${int(built.value.size)} flow entries, ${(built.value.bytes / 1048576).toFixed(1)} MiB, and ${(built.value.records.bytes / 1048576).toFixed(1)} MiB of events, object rows and nodes beside it, built from the store in ${(built.ms / 1000).toFixed(2)} s.`);
  out(ctx);
  ctx.sqlite = { store, indexed: withGenealogyIndex(store, built.value), raw, csr: t.value, refs, category };
  return ctx.sqlite;
}

/** The ways a trace is answered, in the order the tables show them. */
const METHODS = ['indexSet', 'indexFull', 'sqlSet', 'sqlFull', 'cte', 'csr'] as const;
type Method = (typeof METHODS)[number];
const METHOD_LABEL: Record<Method, string> = {
  indexSet: 'Lotline set, index',
  indexFull: 'Lotline full, index',
  sqlSet: 'Lotline set, SQL',
  sqlFull: 'Lotline full, SQL',
  cte: 'CTE UNION',
  csr: 'typed-array BFS',
};

type Measured = Record<Method | 'sizes', number[]>;
const freshMeasured = (): Measured => ({ indexSet: [], indexFull: [], sqlSet: [], sqlFull: [], cte: [], csr: [], sizes: [] });

function addInto(into: Measured, one: Measured): void {
  for (const k of [...METHODS, 'sizes'] as const) into[k].push(...one[k]);
}

/** Times every method on one root, and checks that all of them find the same lots. */
async function measureOne(ctx: BenchContext, d: SqliteData, cte: SqliteCte, root: number, dir: Direction, m: Measured | undefined): Promise<number> {
  const ref = d.refs[root]!;
  const setOf = async (store: EventStore) => reachSet(store, root, dir, await visibilityFor(store, {}), DEFAULT_MAX_NODES);
  const sqlFull = await timed(() => trace(d.store, ref, dir));
  const sqlSet = await timed(() => setOf(d.store));
  const indexFull = await timed(() => trace(d.indexed, ref, dir));
  const indexSet = await timed(() => setOf(d.indexed));
  const c = await timed(() => cte.reach(root, dir));
  const b = await timed(() => d.csr.reach(root, dir));
  const lotline = traceLots(sqlFull.value);
  const sets = {
    'Lotline full, index': traceLots(indexFull.value),
    'Lotline set, SQL': lotSet(sqlSet.value.nodes, d.refs),
    'Lotline set, index': lotSet(indexSet.value.nodes, d.refs),
    CTE: lotSet(c.value, d.refs),
    'typed-array BFS': lotSet(b.value, d.refs),
  };
  for (const problem of disagreements(lotline, sets)) ctx.failures.push(`${dir} trace of node ${root} (${lotline[0]?.split('\u0000').join(' ')}): ${problem}`);
  // the index must give the very same answer as the store, not only the same lots
  if (JSON.stringify(indexFull.value) !== JSON.stringify(sqlFull.value)) ctx.failures.push(`${dir} trace of node ${root}: the answer through the index differs from the store's`);
  if (m) {
    m.sqlFull.push(sqlFull.ms);
    m.sqlSet.push(sqlSet.ms);
    m.indexFull.push(indexFull.ms);
    m.indexSet.push(indexSet.ms);
    m.cte.push(c.ms);
    m.csr.push(b.ms);
    m.sizes.push(lotline.length);
  }
  return lotline.length;
}

function sampleRoots(ctx: BenchContext, d: { readonly category: readonly (ItemCategory | undefined)[] }, perCategory: number): Map<ItemCategory, number[]> {
  const r = rng(ctx.manifest!.params.seed + 7);
  const byCat = new Map<ItemCategory, number[]>([['raw', []], ['intermediate', []], ['finished', []]]);
  d.category.forEach((c, id) => c && byCat.get(c)!.push(id));
  const out = new Map<ItemCategory, number[]>();
  for (const [c, ids] of byCat) {
    const picked: number[] = [];
    for (let i = 0; i < perCategory && ids.length > 0; i++) picked.push(ids.splice(Math.floor(r() * ids.length), 1)[0]!);
    out.set(c, picked);
  }
  return out;
}

const RATIO_HEADER = ['', ...METHODS.map((k) => `${METHOD_LABEL[k]} (ms)`), 'index set ÷ CTE', 'index set ÷ BFS', 'index full ÷ CTE'];

function ratioRows(label: string, m: Measured): (string | number)[][] {
  const s = Object.fromEntries(METHODS.map((k) => [k, summarize(m[k])])) as Record<Method, Summary>;
  return (['p50', 'p99', 'max'] as const).map((p) => [
    `${label} ${p}`,
    ...METHODS.map((k) => fmtMs(s[k][p])),
    ratio(s.indexSet[p], s.cte[p]),
    ratio(s.indexSet[p], s.csr[p]),
    ratio(s.indexFull[p], s.cte[p]),
  ]);
}

function summaryJson(m: Measured): { n: number; sizes: Summary } & Record<Method, Summary> {
  return { n: m.sizes.length, sizes: summarize(m.sizes), ...(Object.fromEntries(METHODS.map((k) => [k, summarize(m[k])])) as Record<Method, Summary>) };
}

const traces: Section = {
  name: 'traces',
  title: 'Traces on SQLite: Lotline against the recursive CTE and the typed-array BFS',
  async run(ctx) {
    const d = await loadSqlite(ctx);
    const cte = new SqliteCte(d.raw);
    const roots = sampleRoots(ctx, d, ctx.opts.samples);
    // warm-up: page cache, JIT; not measured
    for (const ids of roots.values()) for (const id of ids.slice(0, 5)) for (const dir of DIRECTIONS) await measureOne(ctx, d, cte, id, dir, undefined);
    const all = new Map<Direction, Measured>();
    const byBucket = new Map<string, Measured>();
    const byCategory = new Map<string, Measured>();
    for (const [cat, ids] of roots) {
      for (const id of ids) {
        for (const dir of DIRECTIONS) {
          const one = freshMeasured();
          const size = await measureOne(ctx, d, cte, id, dir, one);
          for (const m of [
            all.get(dir) ?? (all.set(dir, freshMeasured()), all.get(dir)!),
            byBucket.get(`${dir} ${bucketOf(size)}`) ?? (byBucket.set(`${dir} ${bucketOf(size)}`, freshMeasured()), byBucket.get(`${dir} ${bucketOf(size)}`)!),
            byCategory.get(`${dir} ${cat}`) ?? (byCategory.set(`${dir} ${cat}`, freshMeasured()), byCategory.get(`${dir} ${cat}`)!),
          ]) {
            addInto(m, one);
          }
        }
      }
    }
    out(ctx, `${ctx.opts.samples} sampled lots per category (raw, intermediate, finished), each traced forward and backward. "set" = the reachable lots with depths (the part a trace must find); "full" = the whole trace answer (shares, links, shipments, receipts). "index" = read through the in-memory genealogy index; "SQL" = straight from the store, level by level.`);
    out(ctx);
    const rows: (string | number)[][] = [];
    for (const dir of DIRECTIONS) rows.push(...ratioRows(dir, all.get(dir)!));
    table(ctx, RATIO_HEADER, rows);
    out(ctx, 'By result size (lots reached), p50 / p99 in ms:');
    out(ctx);
    const bucketRows: (string | number)[][] = [];
    for (const dir of DIRECTIONS) {
      for (const b of SIZE_BUCKETS) {
        const m = byBucket.get(`${dir} ${b.label}`);
        if (!m) continue;
        const s = summaryJson(m);
        bucketRows.push([`${dir} ${b.label}`, s.n, ...METHODS.map((k) => `${fmtMs(s[k].p50)} / ${fmtMs(s[k].p99)}`)]);
      }
    }
    table(ctx, ['direction, lots reached', 'traces', ...METHODS.map((k) => METHOD_LABEL[k])], bucketRows);
    ctx.results['traces'] = {
      samplesPerCategory: ctx.opts.samples,
      byDirection: Object.fromEntries([...all].map(([k, m]) => [k, summaryJson(m)])),
      bySize: Object.fromEntries([...byBucket].map(([k, m]) => [k, summaryJson(m)])),
      byCategory: Object.fromEntries([...byCategory].map(([k, m]) => [k, summaryJson(m)])),
    };
  },
};

const worstCase: Section = {
  name: 'worstCase',
  title: 'Worst case: the raw lots that reach the most lots (forward)',
  async run(ctx) {
    const d = await loadSqlite(ctx);
    const cte = new SqliteCte(d.raw);
    const raws: number[] = [];
    d.category.forEach((c, id) => c === 'raw' && raws.push(id));
    // every raw lot up to 200,000 of them, else an even sample: the typed-array BFS counts them
    const stride = Math.max(1, Math.ceil(raws.length / 200_000));
    const t = await timed(() => {
      const counts: { id: number; n: number }[] = [];
      for (let i = 0; i < raws.length; i += stride) counts.push({ id: raws[i]!, n: d.csr.reachCount(raws[i]!, 'forward') });
      return counts.sort((a, b) => b.n - a.n).slice(0, 10);
    });
    const top = t.value;
    const repeats = ctx.opts.quick ? 2 : 3;
    const m = freshMeasured();
    await measureOne(ctx, d, cte, top[0]!.id, 'forward', undefined);
    for (let k = 0; k < repeats; k++) for (const x of top) await measureOne(ctx, d, cte, x.id, 'forward', m);
    const worst = d.refs[top[0]!.id]!;
    out(ctx, `${int(Math.ceil(raws.length / stride))} raw lots ranked by the typed-array BFS in ${(t.ms / 1000).toFixed(1)} s. The worst, ${worst.kind === 'lot' ? `${worst.item} / ${worst.lot}` : ''}, reaches ${int(top[0]!.n)} nodes; the 10th reaches ${int(top[top.length - 1]!.n)}. Each of the top ${top.length} traced ${repeats} times:`);
    out(ctx);
    table(ctx, RATIO_HEADER, ratioRows('top-10 raw', m));
    ctx.results['worstCase'] = { ranked: Math.ceil(raws.length / stride), top: top.map((x) => ({ node: x.id, reached: x.n })), repeats, ...summaryJson(m), targets: { setP99Ms: 5, fullP99Ms: 100 } };
  },
};

const lotStateSection: Section = {
  name: 'lotState',
  title: 'Lot state lookup (`lotline lot`)',
  async run(ctx) {
    const d = await loadSqlite(ctx);
    const roots = [...sampleRoots(ctx, d, ctx.opts.samples).values()].flat();
    for (const id of roots.slice(0, 10)) await lotState(d.store, d.refs[id]!);
    const times: number[] = [];
    for (const id of roots) times.push((await timed(() => lotState(d.store, d.refs[id]!))).ms);
    const s = summarize(times);
    table(ctx, ['lots', 'p50 (ms)', 'p99 (ms)', 'max (ms)'], [[s.n, fmtMs(s.p50), fmtMs(s.p99), fmtMs(s.max)]]);
    ctx.results['lotState'] = s;
  },
};

const recallSection: Section = {
  name: 'recall',
  title: 'Recall scope of a raw lot reaching about 10,000 lots (`lotline recall`, POST /api/v1/recalls)',
  async run(ctx) {
    const d = await loadSqlite(ctx);
    const raws: number[] = [];
    d.category.forEach((c, id) => c === 'raw' && raws.push(id));
    const r = await benchRecall({ store: d.store, indexed: d.indexed, csr: d.csr, refs: d.refs, raws, repeats: ctx.opts.quick ? 1 : 5, mockRecall: !ctx.opts.quick });
    out(ctx, `${r.lot} reaches ${int(r.reached)} nodes: ${int(r.affected)} affected lots, ${int(r.onHandLots)} on hand, ${int(r.shipments)} shipment lines to ${int(r.customers)} customers. Each way timed ${r.indexed.n} times (the whole scope: trace, lot states, shipments, orders, notices, precision):`);
    out(ctx);
    table(ctx, ['read through', 'p50 (ms)', 'max (ms)', 'CPU p50 / max (ms)'], [
      ['genealogy index (server)', fmtMs(r.indexed.p50), fmtMs(r.indexed.max), `${fmtMs(r.indexedCpu.p50)} / ${fmtMs(r.indexedCpu.max)}`],
      ['SQL (one-shot CLI)', fmtMs(r.sql.p50), fmtMs(r.sql.max), '–'],
      ...(r.mockRecall ? [[`mock recall, index, once (${int(r.mockRecall.lots)} lots reconciled, ${r.mockRecall.gaps} gaps)`, fmtMs(r.mockRecall.ms), '–', fmtMs(r.mockRecall.cpuMs)]] : []),
    ]);
    ctx.results['recall'] = { ...r, targetMs: 1000 };
  },
};

const pathExplosion: Section = {
  name: 'pathExplosion',
  title: 'Path explosion: a chain of tank lots, each fed by the two before it (carry-over)',
  async run(ctx) {
    const tanks = ctx.opts.quick ? 22 : 30;
    const file = join(ctx.opts.dir, `tanks-${tanks}.ndjson`);
    writeFileSync(file, tankChainLines(tanks).map((l) => JSON.stringify(l)).join('\n') + '\n');
    const db = join(ctx.opts.dir, `tanks-${tanks}.db`);
    rmSync(db, { force: true });
    const store = await openStore(db, { create: true });
    await importFile(store, file);
    const raw = new Database(db, { readonly: true });
    try {
      const cte = new SqliteCte(raw);
      const root = (raw.prepare("SELECT id FROM nodes WHERE item = 'TANK' AND code = 'T-01'").pluck().get() as number | undefined)!;
      const ref = refFromColumns('lot', 'TANK', 'T-01');
      const csr = csrFromFlows(visibleFlows(raw));
      await trace(store, ref, 'forward');
      const full = await timed(() => trace(store, ref, 'forward'));
      const set = await timed(async () => reachSet(store, root, 'forward', await visibilityFor(store, {}), DEFAULT_MAX_NODES));
      const indexed = withGenealogyIndex(store, await GenealogyIndex.build(store));
      await trace(indexed, ref, 'forward');
      const indexFull = await timed(() => trace(indexed, ref, 'forward'));
      const indexSet = await timed(async () => reachSet(indexed, root, 'forward', await visibilityFor(indexed, {}), DEFAULT_MAX_NODES));
      const union = await timed(() => cte.count(root, 'UNION'));
      const unionAll = await timed(() => cte.count(root, 'UNION ALL'));
      const bfs = await timed(() => csr.reachCount(root, 'forward'));
      if (full.value.lots.length !== union.value || union.value !== bfs.value || JSON.stringify(indexFull.value) !== JSON.stringify(full.value)) {
        ctx.failures.push(`path explosion: Lotline lists ${full.value.lots.length} lots (${indexFull.value.lots.length} through the index), CTE UNION ${union.value}, BFS ${bfs.value}`);
      }
      table(ctx, ['query', 'rows / lots', 'ms'], [
        ['CTE UNION ALL (counts paths)', int(unionAll.value), fmtMs(unionAll.ms)],
        ['CTE UNION', int(union.value), fmtMs(union.ms)],
        ['Lotline set, index', int(indexSet.value.nodes.length), fmtMs(indexSet.ms)],
        ['Lotline full, index', int(indexFull.value.lots.length), fmtMs(indexFull.ms)],
        ['Lotline set, SQL', int(set.value.nodes.length), fmtMs(set.ms)],
        ['Lotline full, SQL', int(full.value.lots.length), fmtMs(full.ms)],
        ['typed-array BFS', int(bfs.value), fmtMs(bfs.ms)],
      ]);
      ctx.results['pathExplosion'] = { tanks, unionAll: { rows: unionAll.value, ms: unionAll.ms }, union: { rows: union.value, ms: union.ms }, sqlSet: { ms: set.ms }, sqlFull: { lots: full.value.lots.length, ms: full.ms }, indexSet: { ms: indexSet.ms }, indexFull: { ms: indexFull.ms }, csr: { ms: bfs.ms } };
    } finally {
      raw.close();
      await store.close();
    }
  },
};

/** The ways a trace is answered on PostgreSQL. */
const PG_METHODS = ['indexSet', 'indexFull', 'sqlSet', 'sqlFull', 'cte'] as const;
type PgMethod = (typeof PG_METHODS)[number];
type PgMeasured = Record<PgMethod | 'sizes', number[]>;
const freshPg = (): PgMeasured => ({ indexSet: [], indexFull: [], sqlSet: [], sqlFull: [], cte: [], sizes: [] });

/**
 * A deliberately wrong baseline, to prove the gate in a whole run: `LOTLINE_BENCH_FAULT=pg-cte`
 * makes the PostgreSQL CTE leave out the root lot of every trace, so the run must fail.
 */
const pgFault = (): boolean => process.env['LOTLINE_BENCH_FAULT'] === 'pg-cte';

const postgresTraces: Section = {
  name: 'postgresTraces',
  title: 'Traces on PostgreSQL: Lotline against the recursive CTE',
  async run(ctx) {
    if (!ctx.pgUrl) return ctx.pgSkipped ?? 'the plant was not imported into PostgreSQL';
    if (ctx.db && !ctx.sqlite) await loadSqlite(ctx);
    const client = await pgClient(ctx.pgUrl);
    const store = await openStore(ctx.pgUrl, { create: false });
    try {
      // the planner needs statistics to pick the flows indexes; an application would have them
      const analyzed = await timed(() => client.query('ANALYZE'));
      const refs: (ObjectRef | undefined)[] = [];
      const category: (ItemCategory | undefined)[] = [];
      const items = ctx.manifest!.items;
      for (const n of (await client.query<{ id: number; kind: string; item: string; code: string }>('SELECT id, kind, item, code FROM nodes')).rows) {
        refs[n.id] = refFromColumns(n.kind, n.item, n.code);
        if (n.kind === 'lot') category[n.id] = items[n.item];
      }
      const built = await timed(() => GenealogyIndex.build(store));
      const indexed = withGenealogyIndex(store, built.value);
      out(ctx, `ANALYZE in ${(analyzed.ms / 1000).toFixed(2)} s. Genealogy index: ${int(built.value.size)} flow entries, ${(built.value.bytes / 1048576).toFixed(1)} MiB, built from PostgreSQL in ${(built.ms / 1000).toFixed(2)} s.`);
      out(ctx);
      const cte = new PgCte(client);
      const fault = pgFault();
      const roots = sampleRoots(ctx, { category }, ctx.opts.samples);
      const measure = async (root: number, dir: Direction, m: PgMeasured | undefined): Promise<void> => {
        const ref = refs[root]!;
        const setOf = async (s: EventStore) => reachSet(s, root, dir, await visibilityFor(s, {}), DEFAULT_MAX_NODES);
        const sqlFull = await timed(() => trace(store, ref, dir));
        const sqlSet = await timed(() => setOf(store));
        const indexFull = await timed(() => trace(indexed, ref, dir));
        const indexSet = await timed(() => setOf(indexed));
        const c = await timed(() => cte.reach(root, dir));
        const cteIds = fault ? c.value.filter((id) => id !== root) : c.value;
        const lotline = traceLots(sqlFull.value);
        const sets: Record<string, string[]> = {
          'Lotline full, index': traceLots(indexFull.value),
          'Lotline set, SQL': lotSet(sqlSet.value.nodes, refs),
          'Lotline set, index': lotSet(indexSet.value.nodes, refs),
          'CTE on PostgreSQL': lotSet(cteIds, refs),
        };
        // the same plant in both stores: the same lots on SQLite as on PostgreSQL
        if (ctx.sqlite) sets['Lotline on SQLite'] = traceLots(await trace(ctx.sqlite.indexed, ref, dir));
        for (const problem of disagreements(lotline, sets)) ctx.failures.push(`PostgreSQL: ${dir} trace of ${lotline[0]?.split('\u0000').join(' ') ?? `node ${root}`}: ${problem}`);
        if (JSON.stringify(indexFull.value) !== JSON.stringify(sqlFull.value)) ctx.failures.push(`PostgreSQL: ${dir} trace of node ${root}: the answer through the index differs from the store's`);
        if (m) {
          m.sqlFull.push(sqlFull.ms);
          m.sqlSet.push(sqlSet.ms);
          m.indexFull.push(indexFull.ms);
          m.indexSet.push(indexSet.ms);
          m.cte.push(c.ms);
          m.sizes.push(lotline.length);
        }
      };
      for (const ids of roots.values()) for (const id of ids.slice(0, 5)) for (const dir of DIRECTIONS) await measure(id, dir, undefined);
      const all = new Map<Direction, PgMeasured>(DIRECTIONS.map((d) => [d, freshPg()]));
      for (const ids of roots.values()) for (const id of ids) for (const dir of DIRECTIONS) await measure(id, dir, all.get(dir)!);
      const label: Record<PgMethod, string> = { indexSet: METHOD_LABEL.indexSet, indexFull: METHOD_LABEL.indexFull, sqlSet: METHOD_LABEL.sqlSet, sqlFull: METHOD_LABEL.sqlFull, cte: METHOD_LABEL.cte };
      const rows: (string | number)[][] = [];
      const json: Record<string, unknown> = {};
      for (const dir of DIRECTIONS) {
        const m = all.get(dir)!;
        const s = Object.fromEntries(PG_METHODS.map((k) => [k, summarize(m[k])])) as Record<PgMethod, Summary>;
        json[dir] = { n: m.sizes.length, sizes: summarize(m.sizes), ...s };
        for (const p of ['p50', 'p99', 'max'] as const) {
          rows.push([`${dir} ${p}`, ...PG_METHODS.map((k) => fmtMs(s[k][p])), ratio(s.indexSet[p], s.cte[p]), ratio(s.sqlSet[p], s.cte[p]), ratio(s.indexFull[p], s.cte[p]), ratio(s.sqlFull[p], s.cte[p])]);
        }
      }
      out(ctx, `The same sampled lots as on SQLite (${ctx.opts.samples} per category), each traced forward and backward on the PostgreSQL store, straight ("SQL") and through the in-memory genealogy index; the CTE is the SQLite one in PostgreSQL's dialect. A ratio below 1 means Lotline is faster.${fault ? ' LOTLINE_BENCH_FAULT=pg-cte: the CTE is made wrong on purpose; this run must fail.' : ''}`);
      out(ctx);
      table(ctx, ['', ...PG_METHODS.map((k) => `${label[k]} (ms)`), 'index set ÷ CTE', 'SQL set ÷ CTE', 'index full ÷ CTE', 'SQL full ÷ CTE'], rows);
      ctx.results['postgresTraces'] = { samplesPerCategory: ctx.opts.samples, analyzeSeconds: analyzed.ms / 1000, index: { flows: built.value.size, megabytes: built.value.bytes / 1048576, buildSeconds: built.ms / 1000 }, byDirection: json, ...(fault ? { fault: 'pg-cte' } : {}) };
    } finally {
      await store.close();
      await client.end();
    }
  },
};

const reports: Section = {
  name: 'reports',
  title: 'Reports: the FSMA 204 spreadsheet of the widest raw lots',
  async run(ctx) {
    const d = await loadSqlite(ctx);
    const raws: number[] = [];
    d.category.forEach((c, id) => c === 'raw' && raws.push(id));
    const r = await measureFsma204({ indexed: d.indexed, plain: d.store, csr: d.csr, refs: d.refs, raws, quick: ctx.opts.quick });
    ctx.failures.push(...r.failures);
    const p = (xs: number[]): string => `${fmtMs(summarize(xs).p50)} / ${fmtMs(summarize(xs).max)}`;
    out(ctx, `Each lot's report traced forward (\`--tlc LOT --item ITEM --direction forward\`), ${r.lots[0]?.build.length ?? 0} time(s) through the genealogy index (the service), once straight from the store (the CLI). Times p50 / max in ms (wall); CPU is this process's own time, which a loaded machine does not inflate.${r.note ? ` Note: ${r.note}.` : ''}`);
    out(ctx);
    table(ctx, ['lot', 'nodes reached', 'rows', 'build (index)', 'CSV', 'XLSX', 'build (store)', 'CSV / XLSX size'], r.lots.map((l) => [`${l.item} / ${l.lot}`, int(l.reached), int(l.rows), p(l.build), p(l.csv), p(l.xlsx), fmtMs(l.storeBuild), `${(l.csvBytes / 1048576).toFixed(1)} / ${(l.xlsxBytes / 1048576).toFixed(1)} MiB`]));
    table(ctx, ['', 'p50 (ms)', 'max (ms)', 'CPU p50 / max (ms)', 'target'], [
      ['report + CSV, index', fmtMs(r.csvTotal.p50), fmtMs(r.csvTotal.max), `${fmtMs(r.csvTotalCpu.p50)} / ${fmtMs(r.csvTotalCpu.max)}`, '< 1,000'],
      ['report + XLSX, index', fmtMs(r.xlsxTotal.p50), fmtMs(r.xlsxTotal.max), `${fmtMs(r.xlsxTotalCpu.p50)} / ${fmtMs(r.xlsxTotalCpu.max)}`, '< 1,000'],
      ['report build, store', fmtMs(r.storeBuild.p50), fmtMs(r.storeBuild.max), '–', '–'],
    ]);
    out(ctx, `Peak RSS grew by ${r.peakRssGrowthMiB.toFixed(0)} MiB during the section; live heap after one report ${r.heapAfterReportMiB.toFixed(0)} MiB (the index and the baselines included).`);
    out(ctx);
    ctx.results['reports'] = { fsma204: r, targets: { totalMs: 1000 } };
  },
};

export const SECTIONS: readonly Section[] = [generate, sqliteImport, postgresImport, httpCapture, traces, worstCase, lotStateSection, recallSection, pathExplosion, postgresTraces, reports];

// ─── main ────────────────────────────────────────────────────────────────────

function machine(): Record<string, unknown> {
  const db = new Database(':memory:');
  const sqlite = db.prepare('SELECT sqlite_version() AS v').pluck().get() as string;
  db.close();
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    sqlite,
    platform: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

function parseOptions(argv: string[]): Options | string {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args: argv,
      options: { only: { type: 'string' }, quick: { type: 'boolean' }, preset: { type: 'string' }, json: { type: 'string' }, md: { type: 'string' }, dir: { type: 'string' }, samples: { type: 'string' }, keep: { type: 'boolean' }, reuse: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const quick = v['quick'] === true;
  const preset = (v['preset'] as string | undefined) ?? (quick ? 'small' : 'plant');
  if (!isPresetName(preset)) return `--preset must be one of ${PRESET_NAMES.join(', ')} (got ${JSON.stringify(preset)})`;
  const samples = v['samples'] !== undefined ? Number(v['samples']) : quick ? 20 : 100;
  if (!Number.isInteger(samples) || samples < 1) return `--samples must be a whole number ≥ 1 (got ${JSON.stringify(v['samples'])})`;
  if (v['reuse'] === true && v['dir'] === undefined) return '--reuse needs --dir, the folder of the earlier run';
  const only = v['only'] !== undefined ? String(v['only']).split(',').filter((x) => x !== '') : undefined;
  const unknown = only?.filter((x) => !SECTIONS.some((sec) => sec.name === x));
  if (unknown && unknown.length > 0) return `--only takes section names among ${SECTIONS.map((sec) => sec.name).join(', ')} (got ${unknown.map((x) => JSON.stringify(x)).join(', ')})`;
  const dir = v['dir'] !== undefined ? resolve(String(v['dir'])) : mkdtempSync(join(os.tmpdir(), 'lotline-bench-'));
  mkdirSync(dir, { recursive: true });
  return {
    preset,
    quick,
    samples,
    dir,
    keep: v['keep'] === true || v['dir'] !== undefined,
    reuse: v['reuse'] === true,
    ...(v['json'] !== undefined ? { json: resolve(String(v['json'])) } : {}),
    ...(v['md'] !== undefined ? { md: resolve(String(v['md'])) } : {}),
    ...(only ? { only } : {}),
  };
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (typeof opts === 'string') {
    console.error(`bench: ${opts}\nusage: npm run bench -- [--quick] [--preset ${PRESET_NAMES.join('|')}] [--samples N] [--json FILE] [--md FILE] [--dir DIR] [--keep] [--reuse] [--only SECTION,…]`);
    return 2;
  }
  const ctx: BenchContext = { opts, results: {}, failures: [], lines: [], db: '', files: [], cleanups: [] };
  const m = machine();
  ctx.results['machine'] = m;
  out(ctx, `Lotline benchmark, preset ${opts.preset}${opts.quick ? ' (quick: a smoke run, not a measurement)' : ''}, ${m['date']}`);
  out(ctx, `Machine: ${m['cpus']} × ${m['cpuModel']}, ${m['memoryGiB']} GiB, Node ${m['node']}, SQLite ${m['sqlite']}, load average at start ${(m['loadAverageAtStart'] as number[]).join(' ')}`);
  out(ctx);
  const skipped: Record<string, string> = {};
  try {
    for (const s of SECTIONS) {
      out(ctx, `### ${s.title}`);
      out(ctx);
      const reason = opts.only && s !== generate && !opts.only.includes(s.name) ? 'not in --only' : await s.run(ctx);
      if (reason) {
        skipped[s.name] = reason;
        out(ctx, `Skipped: ${reason}.`);
        out(ctx);
      }
    }
  } finally {
    if (ctx.sqlite) {
      ctx.sqlite.raw.close();
      await ctx.sqlite.store.close();
    }
    for (const c of ctx.cleanups) await c().catch((e: unknown) => console.error(`bench: cleanup failed: ${e instanceof Error ? e.message : String(e)}`));
  }
  ctx.results['skipped'] = skipped;
  ctx.results['failures'] = ctx.failures;
  if (ctx.failures.length > 0) {
    out(ctx, `FAILED: ${ctx.failures.length} problem(s) (a baseline disagreeing with Lotline, or a request not stored):`);
    for (const f of ctx.failures.slice(0, 20)) out(ctx, `  ${f}`);
  } else {
    out(ctx, 'Every sampled trace returned the same lots from Lotline, the recursive CTE and the typed-array BFS.');
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify(ctx.results, null, 2) + '\n');
  if (opts.md) writeFileSync(opts.md, ctx.lines.join('\n') + '\n');
  if (!opts.keep) rmSync(opts.dir, { recursive: true, force: true });
  return ctx.failures.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
