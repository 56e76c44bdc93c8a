/**
 * Load soak (issue 10, load): `lotline serve` in a child process on a generated plant, loaded for
 * minutes by open-loop clients in another process (bench/load-soak-client.ts): captures at a fixed
 * rate over HTTP, traces forward and backward of random lots, FSMA 204 spreadsheets and recall
 * scopes of random raw lots. Then it pushes captures far past the server's bounds, and checks:
 *
 *   - during the soak: no error of any kind (a 429 is an error there), latencies per kind;
 *   - memory: the server's live heap (after a full GC, read inside the server by
 *     bench/harness/memory-sampler.ts) and RSS, sampled through the soak; judged after warm-up by
 *     the growth per captured event in the middle third against the last third (the in-memory
 *     genealogy index grows with every event stored, so the heap must grow in proportion to the
 *     data and no faster: a leak per request shows as a last third steeper than the middle one);
 *   - the push: captures refused with 429 OVERLOADED and Retry-After, no other error, traces still
 *     answered; afterwards the server answers normally (no 429, no error);
 *   - after SIGTERM (exit 0): every capture answered 201 is in the store, none answered 429 is,
 *     and the store holds exactly the imported events plus the acknowledged ones.
 *
 *   npx tsx bench/load-soak.ts --minutes 10 --capture-rate 300 --json out.json --md out.md
 *
 * Exit code 1 when a check fails.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { ClientArgs, ClientResult, Kind } from './load-soak-client.js';
import { KINDS } from './load-soak-client.js';
import { PRESETS } from './plant/presets.js';
import { writePlant } from './plant/write-plant.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts')];

export interface SoakOptions {
  /** Soak length after warm-up (s). */
  readonly seconds: number;
  readonly warmUpSeconds: number;
  /** Capture requests per second (one event each unless `perRequest`). */
  readonly captureRate: number;
  readonly perRequest: number;
  readonly traceRate: number;
  readonly fsmaRate: number;
  readonly recallRate: number;
  /** Length of the push past capacity (s), its open-loop rate of capture requests and events per request. */
  readonly pushSeconds: number;
  readonly pushRate: number;
  readonly pushPerRequest: number;
  /** Connections per kind of request in the soak, and for captures in the push. */
  readonly sockets: number;
  readonly pushSockets: number;
  /** Length of the normal load after the push (s). */
  readonly afterSeconds: number;
  /** `lotline serve` bounds (undefined: the server's defaults). */
  readonly maxCaptures?: number;
  readonly maxCaptureQueue?: number;
  readonly maxQueries?: number;
  readonly maxLag?: number;
  /** Plant: the `small` preset over this many days. */
  readonly days: number;
  readonly sampleMs: number;
  readonly dir?: string;
}

export interface MemorySample {
  readonly at: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
}

export interface MemoryVerdict {
  /** Samples in the soak phase (after warm-up). */
  readonly samples: number;
  readonly heapMiB: { readonly start: number; readonly end: number; readonly max: number };
  readonly rssMiB: { readonly start: number; readonly end: number; readonly max: number };
  /** Events stored during the middle and the last third, and the live heap's and RSS's growth per event then (bytes). */
  readonly middle: { readonly events: number; readonly heapBytesPerEvent: number; readonly rssBytesPerEvent: number };
  readonly last: { readonly events: number; readonly heapBytesPerEvent: number; readonly rssBytesPerEvent: number };
  readonly flat: boolean;
  readonly reason: string;
}

export interface SoakResult {
  readonly machine: { readonly cpus: number; readonly memGiB: number; readonly node: string; readonly loadAtStart: readonly number[]; readonly loadAtEnd: readonly number[] };
  readonly options: SoakOptions;
  readonly plant: { readonly events: number; readonly lots: number };
  readonly warmUp: ClientResult;
  readonly soak: ClientResult;
  readonly push: ClientResult;
  readonly after: ClientResult;
  readonly memory: MemoryVerdict;
  readonly server: { readonly cpuMs: number; readonly wallS: number; readonly exitCode: number | null };
  readonly store: { readonly importedEvents: number; readonly storedEvents: number; readonly acked: number; readonly ackedMissing: number; readonly refused: number; readonly refusedStored: number; readonly unknown: number; readonly unknownStored: number };
  /** Seconds from the end of the push until the server answered a trace within a second again. */
  readonly recoveryS: number;
  readonly failures: readonly string[];
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return port;
}

function cli(args: readonly string[]): string {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`lotline ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}

async function waitUntilServing(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`lotline serve exited (${child.exitCode}) before it listened: ${readFileSync(log, 'utf8').slice(0, 2000)}`);
    try {
      await fetch(`${url}/api/v1/docs`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`lotline serve did not listen on ${url} within 120 s: ${readFileSync(log, 'utf8').slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function runClientProcess(args: ClientArgs, dir: string, name: string): Promise<ClientResult> {
  const file = join(dir, `${name}.args.json`);
  writeFileSync(file, JSON.stringify(args));
  const resultFile = join(dir, `${name}.result.json`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/load-soak-client.ts'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the load clients (${name}) failed (${code}): ${err.slice(0, 2000)}`);
  const line = out.trim().split('\n').pop()!;
  // each phase's figures are kept as soon as it ends, whatever happens to the later ones
  writeFileSync(resultFile, line + '\n');
  return JSON.parse(line) as ClientResult;
}

/** Waits (up to 5 min) until a trace is answered 200 within a second: the push's backlog is worked off. */
async function recovered(url: string, key: string, lot: { item: string; lot: string }): Promise<number> {
  const t0 = Date.now();
  const q = `${/^\d{14}$/.test(lot.item) ? 'gtin' : 'item'}=${encodeURIComponent(lot.item)}&lot=${encodeURIComponent(lot.lot)}`;
  while (Date.now() - t0 < 300_000) {
    const t = Date.now();
    try {
      const res = await fetch(`${url}/api/v1/trace/forward?${q}`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status === 200 && Date.now() - t < 1000) return (Date.now() - t0) / 1000;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return Infinity;
}

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

const MiB = 1024 * 1024;
/** Above this a captured event costs more than the in-memory indexes explain (~0.6 KiB an event for a plant-year, 1.6–1.9 KiB measured in the soak): something else is kept. */
const MAX_BYTES_PER_EVENT = 4096;

/** Judges memory over the soak phase: growth per captured event, the middle third against the last. */
export function judgeMemory(samples: readonly MemorySample[], soak: ClientResult, from: number, to: number): MemoryVerdict {
  const s = samples.filter((x) => x.at >= from && x.at <= to);
  // Events stored by each sample's time, from the clients' windows (each row counts the window that ends at `at`).
  const perEvent = soak.kinds.capture.ok > 0 ? soak.ackedEvents / soak.kinds.capture.ok : 1;
  const eventsAt = (t: number): number => {
    let n = 0;
    for (const w of soak.windows) {
      if (w.at <= t) n += w.ok.capture * perEvent;
      else break;
    }
    return n;
  };
  const third = (to - from) / 3;
  const part = (a: number, b: number) => {
    const xs = s.filter((x) => x.at >= a && x.at < b);
    const ev = xs.map((x) => eventsAt(x.at));
    const events = ev.length ? ev[ev.length - 1]! - ev[0]! : 0;
    return { events, heapBytesPerEvent: slope(ev, xs.map((x) => x.heapUsed)), rssBytesPerEvent: slope(ev, xs.map((x) => x.rss)) };
  };
  const middle = part(from + third, from + 2 * third);
  const last = part(from + 2 * third, to + 1);
  const mib = (f: (x: MemorySample) => number) => ({ start: s.length ? f(s[0]!) / MiB : NaN, end: s.length ? f(s[s.length - 1]!) / MiB : NaN, max: s.length ? Math.max(...s.map(f)) / MiB : NaN });
  const heapMiB = mib((x) => x.heapUsed);
  const rssMiB = mib((x) => x.rss);
  let flat = true;
  const reasons: string[] = [];
  if (s.length < 9) {
    flat = false;
    reasons.push(`only ${s.length} memory samples in the soak: too few to judge`);
  }
  // Growth per event must not rise from the middle third to the last (a small absolute slack: one
  // GC's noise over a third of the run), and must stay below what the index can explain.
  const slackHeap = (4 * MiB) / Math.max(1, last.events);
  if (last.heapBytesPerEvent > Math.max(middle.heapBytesPerEvent, 0) * 1.5 + slackHeap) {
    flat = false;
    reasons.push(`the live heap grew ${last.heapBytesPerEvent.toFixed(0)} bytes per event in the last third against ${middle.heapBytesPerEvent.toFixed(0)} in the middle third`);
  }
  if (last.heapBytesPerEvent > MAX_BYTES_PER_EVENT + slackHeap) {
    flat = false;
    reasons.push(`the live heap grew ${last.heapBytesPerEvent.toFixed(0)} bytes per event in the last third, more than the ${MAX_BYTES_PER_EVENT} an event's share of the index can explain`);
  }
  const slackRss = (16 * MiB) / Math.max(1, last.events);
  if (last.rssBytesPerEvent > Math.max(middle.rssBytesPerEvent, 0) * 1.5 + slackRss && last.rssBytesPerEvent > MAX_BYTES_PER_EVENT + slackRss) {
    flat = false;
    reasons.push(`RSS grew ${last.rssBytesPerEvent.toFixed(0)} bytes per event in the last third against ${middle.rssBytesPerEvent.toFixed(0)} in the middle third`);
  }
  return {
    samples: s.length,
    heapMiB,
    rssMiB,
    middle,
    last,
    flat,
    reason: flat
      ? `growth per captured event: live heap ${middle.heapBytesPerEvent.toFixed(0)} B (middle third) and ${last.heapBytesPerEvent.toFixed(0)} B (last third), RSS ${middle.rssBytesPerEvent.toFixed(0)} and ${last.rssBytesPerEvent.toFixed(0)} B: not rising, and within what the in-memory index keeps per event`
      : reasons.join('; '),
  };
}

function sampleLots(db: string): { lots: { item: string; lot: string }[]; rawLots: { item: string; lot: string }[]; events: number } {
  const d = new Database(db, { readonly: true });
  try {
    const all = d.prepare("SELECT item, code AS lot FROM nodes WHERE kind = 'lot' ORDER BY id").all() as { item: string; lot: string }[];
    const events = (d.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    // Raw lots: received from suppliers (lot codes R… for plant codes, S… for GS1 items).
    const rawLots = all.filter((l) => /^[RS]\d/.test(l.lot));
    const every = (xs: typeof all, n: number) => xs.filter((_, i) => i % Math.max(1, Math.floor(xs.length / n)) === 0).slice(0, n);
    return { lots: every(all, 400), rawLots: every(rawLots, 100), events };
  } finally {
    d.close();
  }
}

function checkStore(db: string, ackFiles: readonly string[], refusedFiles: readonly string[], unknownFiles: readonly string[]): { storedEvents: number; acked: number; ackedMissing: number; refused: number; refusedStored: number; unknown: number; unknownStored: number } {
  const d = new Database(db, { readonly: true });
  try {
    const has = d.prepare("SELECT 1 FROM nodes WHERE kind = 'lot' AND item = 'LOAD-FLOUR' AND code = ?");
    const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0) : []);
    let acked = 0;
    let ackedMissing = 0;
    let refused = 0;
    let refusedStored = 0;
    for (const f of ackFiles) {
      for (const lot of lines(f)) {
        acked++;
        if (has.get(lot) === undefined) ackedMissing++;
      }
    }
    for (const f of refusedFiles) {
      for (const lot of lines(f)) {
        refused++;
        if (has.get(lot) !== undefined) refusedStored++;
      }
    }
    let unknown = 0;
    let unknownStored = 0;
    for (const f of unknownFiles) {
      for (const lot of lines(f)) {
        unknown++;
        if (has.get(lot) !== undefined) unknownStored++;
      }
    }
    const storedEvents = (d.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    return { storedEvents, acked, ackedMissing, refused, refusedStored, unknown, unknownStored };
  } finally {
    d.close();
  }
}

export async function runSoak(o: SoakOptions, progress: (line: string) => void = () => {}): Promise<SoakResult> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'lotline-load-soak-'));
  mkdirSync(dir, { recursive: true });
  const loadAtStart = loadavg();
  const failures: string[] = [];
  const db = join(dir, 'soak.db');
  rmSync(db, { force: true });
  progress(`generating the small plant over ${o.days} days in ${dir}`);
  await writePlant({ ...PRESETS.small, days: o.days }, join(dir, 'plant'), 'ndjson');
  progress('importing it');
  cli(['import', join(dir, 'plant.ndjson'), '--db', db, '--quiet']);
  const keys = {
    operator: cli(['key', 'create', 'soak-operator', '--role', 'operator', '--db', db]).trim(),
    quality: cli(['key', 'create', 'soak-quality', '--role', 'quality', '--db', db]).trim(),
    auditor: cli(['key', 'create', 'soak-auditor', '--role', 'auditor', '--db', db]).trim(),
  };
  const { lots, rawLots, events: importedEvents } = sampleLots(db);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = join(dir, 'serve.log');
  const samplesFile = join(dir, 'memory.ndjson');
  rmSync(samplesFile, { force: true });
  const fd = openSync(log, 'w');
  const bounds = [
    ...(o.maxCaptures !== undefined ? ['--max-captures', String(o.maxCaptures)] : []),
    ...(o.maxCaptureQueue !== undefined ? ['--max-capture-queue', String(o.maxCaptureQueue)] : []),
    ...(o.maxQueries !== undefined ? ['--max-queries', String(o.maxQueries)] : []),
    ...(o.maxLag !== undefined ? ['--max-lag', String(o.maxLag)] : []),
  ];
  // --expose-gc: the sampler takes a full GC before each sample, so the heap it reads is the live one.
  const server = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', join(ROOT, 'bench/harness/memory-sampler.ts'), join(ROOT, 'src/cli/bin.ts'), 'serve', '--db', db, '--port', String(port), '--key-rate', '1000000', ...bounds], {
    cwd: ROOT,
    env: { ...process.env, LOTLINE_LOG_LEVEL: 'warn', LOTLINE_MEMORY_SAMPLES: samplesFile, LOTLINE_MEMORY_SAMPLE_MS: String(o.sampleMs), LOTLINE_MEMORY_GC: '1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const serverStarted = Date.now();
  const base = { url, keys, lots, rawLots, timeoutMs: 30_000, maxOutstanding: 5000 };
  const phase = (name: string, seconds: number, rates: Record<Kind, number>, perRequest: number, windowS: number, maxSockets = o.sockets): ClientArgs => ({
    ...base,
    maxSockets,
    // The push sends no more than its connections carry: the rest is skipped (counted), not queued in
    // the client for minutes, which would turn a 20 s push into a backlog the server works off for ever.
    ...(name === 'push' ? { maxOutstanding: maxSockets } : {}),
    seconds,
    rates,
    perRequest,
    prefix: `SOAK-${name}`,
    windowS,
    ackFile: join(dir, `${name}.acked`),
    refusedFile: join(dir, `${name}.refused`),
    unknownFile: join(dir, `${name}.unknown`),
  });
  const normal: Record<Kind, number> = { capture: o.captureRate, trace: o.traceRate, fsma204: o.fsmaRate, recall: o.recallRate };
  const windowS = Math.max(1, Math.min(10, Math.round(o.seconds / 30)));
  let warmUp: ClientResult, soak: ClientResult, push: ClientResult, after: ClientResult;
  let recoveryS = NaN;
  let soakFrom = 0;
  let soakTo = 0;
  try {
    await waitUntilServing(url, server, log);
    progress(`warm-up: ${o.warmUpSeconds} s`);
    warmUp = await runClientProcess(phase('warmup', o.warmUpSeconds, normal, o.perRequest, windowS), dir, 'warmup');
    progress(`soak: ${o.seconds} s at ${o.captureRate} captures/s (${o.perRequest} event(s) each), ${o.traceRate} traces/s, ${o.fsmaRate} FSMA 204/s, ${o.recallRate} recalls/s`);
    soak = await runClientProcess(phase('soak', o.seconds, normal, o.perRequest, windowS), dir, 'soak');
    soakFrom = soak.startedAt;
    soakTo = soak.startedAt + soak.seconds * 1000;
    progress(`push past capacity: ${o.pushSeconds} s at ${o.pushRate} capture requests/s of ${o.pushPerRequest} events`);
    push = await runClientProcess(phase('push', o.pushSeconds, { ...normal, capture: o.pushRate }, o.pushPerRequest, 1, o.pushSockets), dir, 'push');
    recoveryS = await recovered(url, keys.auditor, lots[0]!);
    progress(`recovered ${recoveryS.toFixed(1)} s after the push; then ${o.afterSeconds} s of the normal load`);
    after = await runClientProcess(phase('after', o.afterSeconds, normal, o.perRequest, 1), dir, 'after');
  } finally {
    if (server.exitCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    }
  }
  const wallS = (Date.now() - serverStarted) / 1000;
  if (server.exitCode !== 0) failures.push(`lotline serve exited with ${server.exitCode} after SIGTERM: ${readFileSync(log, 'utf8').slice(0, 2000)}`);
  const samples = readFileSync(samplesFile, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as MemorySample);
  const lastSample = samples[samples.length - 1];
  const memory = judgeMemory(samples, soak, soakFrom, soakTo);
  if (!memory.flat) failures.push(`memory: ${memory.reason}`);

  const expectAllOk = (name: string, r: ClientResult, allow429: boolean) => {
    for (const k of KINDS) {
      const x = r.kinds[k];
      if (x.errors > 0) failures.push(`${name}: ${x.errors} ${k} error(s): ${x.firstErrors.join(' | ')}`);
      const refused = Object.values(x.refused).reduce((a, b) => a + b, 0);
      if (!allow429 && refused > 0) failures.push(`${name}: ${refused} ${k} request(s) refused (${JSON.stringify(x.refused)}) below capacity`);
      if (x.refusedWithoutRetryAfter > 0) failures.push(`${name}: ${x.refusedWithoutRetryAfter} ${k} 429 answer(s) without Retry-After`);
      if (x.skipped > 0) failures.push(`${name}: the clients skipped ${x.skipped} ${k} send(s) (${base.maxOutstanding} unanswered at once, or the client stalled): the rate was not held`);
    }
  };
  expectAllOk('warm-up', warmUp, false);
  expectAllOk('soak', soak, false);
  expectAllOk('after the push', after, false);
  // The push: refusals are expected for captures (and only OVERLOADED); traces and reports must be answered.
  for (const k of KINDS) {
    const x = push.kinds[k];
    if (x.errors > 0) failures.push(`push: ${x.errors} ${k} error(s) other than 429: ${x.firstErrors.join(' | ')}`);
    if (x.refusedWithoutRetryAfter > 0) failures.push(`push: ${x.refusedWithoutRetryAfter} ${k} 429 answer(s) without Retry-After`);
    const other = Object.entries(x.refused).filter(([code]) => code !== 'OVERLOADED');
    if (other.length > 0) failures.push(`push: ${k} refused with ${JSON.stringify(Object.fromEntries(other))}, not OVERLOADED`);
    if (k !== 'capture' && (x.refused['OVERLOADED'] ?? 0) > 0) failures.push(`push: ${x.refused['OVERLOADED']} ${k} request(s) refused: a capture flood starved the reads`);
  }
  if ((push.kinds.capture.refused['OVERLOADED'] ?? 0) === 0) failures.push(`push: no capture was refused with OVERLOADED at ${o.pushRate} requests/s of ${o.pushPerRequest} events: the push did not pass capacity`);
  if (after.kinds.capture.ok === 0) failures.push('after the push: no capture was answered 201');

  const phases = ['warmup', 'soak', 'push', 'after'];
  const st = checkStore(db, phases.map((p) => join(dir, `${p}.acked`)), phases.map((p) => join(dir, `${p}.refused`)), phases.map((p) => join(dir, `${p}.unknown`)));
  if (st.ackedMissing > 0) failures.push(`store: ${st.ackedMissing} of ${st.acked} events answered 201 are not stored`);
  if (st.refusedStored > 0) failures.push(`store: ${st.refusedStored} of ${st.refused} events answered 429 were stored`);
  // A capture never answered (client timeout) may have been stored: counted apart, never as acknowledged.
  if (st.storedEvents !== importedEvents + st.acked + st.unknownStored) failures.push(`store: ${st.storedEvents} events, expected the ${importedEvents} imported plus the ${st.acked} acknowledged plus the ${st.unknownStored} stored of ${st.unknown} never answered`);

  const result: SoakResult = {
    machine: { cpus: cpus().length, memGiB: totalmem() / 1024 ** 3, node: process.version, loadAtStart, loadAtEnd: loadavg() },
    options: o,
    plant: { events: importedEvents, lots: lots.length },
    warmUp,
    soak,
    push,
    after,
    memory,
    server: { cpuMs: lastSample ? lastSample.cpuUserMs + lastSample.cpuSystemMs : NaN, wallS, exitCode: server.exitCode },
    store: { importedEvents, ...st },
    recoveryS,
    failures,
  };
  if (o.dir === undefined) rmSync(dir, { recursive: true, force: true });
  return result;
}

const f1 = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '–');

/** The figures as Markdown tables (docs/reliability.md takes them). */
export function soakMarkdown(r: SoakResult): string {
  const o = r.options;
  const lines: string[] = [];
  lines.push(`Soak of ${f1(r.soak.seconds / 60)} min after ${o.warmUpSeconds} s of warm-up; ${r.machine.cpus} cores, Node ${r.machine.node}; load average ${r.machine.loadAtStart.map((x) => x.toFixed(1)).join(' / ')} at the start, ${r.machine.loadAtEnd.map((x) => x.toFixed(1)).join(' / ')} at the end (1 / 5 / 15 min). Plant: \`small\` over ${o.days} days, ${r.plant.events} events imported. Server CPU time ${f1(r.server.cpuMs / 1000)} s over ${f1(r.server.wallS)} s of wall time; load clients' CPU ${f1(r.soak.cpuMs / 1000)} s in the soak.`);
  lines.push('');
  const table = (name: string, c: ClientResult) => {
    lines.push(`**${name}** (${f1(c.seconds)} s)`);
    lines.push('');
    lines.push('| kind | target /s | answered as expected | per s | 429 | errors | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const k of KINDS) {
      const x = c.kinds[k];
      if (x.sent === 0) continue;
      const refused = Object.values(x.refused).reduce((a, b) => a + b, 0);
      lines.push(`| ${k} | ${f1(x.sent / c.seconds)} | ${x.ok} | ${f1(x.ok / c.seconds)} | ${refused} | ${x.errors} | ${f1(x.latencyMs.p50)} | ${f1(x.latencyMs.p95)} | ${f1(x.latencyMs.p99)} | ${f1(x.latencyMs.max)} |`);
    }
    lines.push('');
  };
  table('Soak', r.soak);
  table(`Push past capacity: ${o.pushRate} capture requests/s of ${o.pushPerRequest} events`, r.push);
  table('After the push', r.after);
  const m = r.memory;
  lines.push(`**Memory** (server, ${m.samples} samples in the soak, live heap after a full GC): heap ${f1(m.heapMiB.start)} → ${f1(m.heapMiB.end)} MiB (max ${f1(m.heapMiB.max)}), RSS ${f1(m.rssMiB.start)} → ${f1(m.rssMiB.end)} MiB (max ${f1(m.rssMiB.max)}); ${m.flat ? 'flat' : 'NOT flat'}: ${m.reason}.`);
  lines.push('');
  const p = r.push.kinds.capture;
  lines.push(`**Push**: ${p.refused['OVERLOADED'] ?? 0} capture requests refused with 429 OVERLOADED (Retry-After on every one; answered in p50 ${f1(p.refusedLatencyMs.p50)} / p99 ${f1(p.refusedLatencyMs.p99)} ms), ${p.ok} accepted. **Store** after SIGTERM (exit ${r.server.exitCode}): ${r.store.acked} events acknowledged (201) in all phases, ${r.store.ackedMissing} of them missing; ${r.store.refused} refused (429), ${r.store.refusedStored} of them stored; ${r.store.unknown} never answered (client timeout), ${r.store.unknownStored} of them stored; ${r.store.storedEvents} events = ${r.store.importedEvents} imported + ${r.store.acked} acknowledged + ${r.store.unknownStored} stored unanswered. The server answered a trace within a second again ${f1(r.recoveryS)} s after the push.`);
  lines.push('');
  lines.push(r.failures.length === 0 ? 'Every check passed.' : `FAILED:\n${r.failures.map((f) => `- ${f}`).join('\n')}`);
  return lines.join('\n') + '\n';
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      'warm-up': { type: 'string' },
      'capture-rate': { type: 'string' },
      'per-request': { type: 'string' },
      'trace-rate': { type: 'string' },
      'fsma-rate': { type: 'string' },
      'recall-rate': { type: 'string' },
      'push-seconds': { type: 'string' },
      'push-rate': { type: 'string' },
      'push-per-request': { type: 'string' },
      'after-seconds': { type: 'string' },
      sockets: { type: 'string' },
      'push-sockets': { type: 'string' },
      'max-captures': { type: 'string' },
      'max-capture-queue': { type: 'string' },
      'max-queries': { type: 'string' },
      'max-lag': { type: 'string' },
      days: { type: 'string' },
      'sample-ms': { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'string' },
      md: { type: 'string' },
    },
  });
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  const opt = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const seconds = num(values.minutes, 5) * 60;
  const o: SoakOptions = {
    seconds,
    warmUpSeconds: num(values['warm-up'], Math.min(60, Math.max(10, Math.round(seconds / 10)))),
    captureRate: num(values['capture-rate'], 10),
    perRequest: num(values['per-request'], 1),
    traceRate: num(values['trace-rate'], 2),
    fsmaRate: num(values['fsma-rate'], 0.1),
    recallRate: num(values['recall-rate'], 0.05),
    pushSeconds: num(values['push-seconds'], 20),
    pushRate: num(values['push-rate'], 100),
    pushPerRequest: num(values['push-per-request'], 100),
    afterSeconds: num(values['after-seconds'], 20),
    sockets: num(values.sockets, 32),
    pushSockets: num(values['push-sockets'], 200),
    ...(opt(values['max-captures']) !== undefined ? { maxCaptures: opt(values['max-captures'])! } : {}),
    ...(opt(values['max-capture-queue']) !== undefined ? { maxCaptureQueue: opt(values['max-capture-queue'])! } : {}),
    ...(opt(values['max-queries']) !== undefined ? { maxQueries: opt(values['max-queries'])! } : {}),
    ...(opt(values['max-lag']) !== undefined ? { maxLag: opt(values['max-lag'])! } : {}),
    days: num(values.days, PRESETS.small.days),
    sampleMs: num(values['sample-ms'], 5000),
    ...(values.dir !== undefined ? { dir: values.dir } : {}),
  };
  const r = await runSoak(o, (l) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${l}\n`));
  const md = soakMarkdown(r);
  process.stdout.write(md);
  if (values.json) writeFileSync(values.json, JSON.stringify(r, null, 2) + '\n');
  if (values.md) writeFileSync(values.md, md);
  process.exit(r.failures.length === 0 ? 0 : 1);
}
