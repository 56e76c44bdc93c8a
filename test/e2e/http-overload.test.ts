/**
 * Back-pressure (src/server/admission.ts): past a bound, a request of that class gets 429
 * OVERLOADED with Retry-After and a problem body, stores nothing, and the other class still
 * answers. The store is held still at a chosen moment (a gate), so the bounds are met exactly,
 * not by racing a flood.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdmissionControl, EventLoopLag, loadClassOf } from '../../src/server/admission.js';
import type { LoadLimits } from '../../src/server/admission.js';
import type { CaptureContext, EventStore } from '../../src/store/event-store.js';
import type { TestApi } from '../helpers/http.js';
import { testApi } from '../helpers/http.js';
import { cli, tempDb } from '../helpers/cli.js';

const receipt = (lot: string) => ({ cmd: 'receive', time: '2026-05-04T08:00:00Z', lots: [{ item: 'FLOUR', lot, quantity: 10, uom: 'KGM' }], from: 'Valley Mills', location: 'Goods in' });

/** A gate: calls wait at it while it is closed; `waitFor(n)` resolves once n calls have waited. */
function newGate() {
  let release = (): void => {};
  let opened: Promise<void> = Promise.resolve();
  let waiting = 0;
  return {
    pass: async () => {
      waiting++;
      await opened;
    },
    close: () => (opened = new Promise<void>((r) => (release = r))),
    open: () => release(),
    waitFor: async (n: number) => {
      for (let i = 0; i < 500 && waiting < n; i++) await new Promise((r) => setTimeout(r, 10));
      expect(waiting).toBe(n);
    },
  };
}

/** Holds every write (`beginCapture`) at one gate, and reads of the lot GATED (`findNodes`) at another. */
function gates(store: EventStore) {
  const writes = newGate();
  const reads = newGate();
  const s = store as { beginCapture: EventStore['beginCapture']; findNodes: EventStore['findNodes'] };
  const begin = s.beginCapture.bind(store);
  const find = s.findNodes.bind(store);
  s.beginCapture = async (ctx?: CaptureContext) => (await writes.pass(), begin(ctx));
  s.findNodes = async (refs) => {
    if (refs.some((r) => 'lot' in r && r.lot === 'GATED')) await reads.pass();
    return find(refs);
  };
  return { writes, reads };
}

let t: TestApi | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function app(load: LoadLimits) {
  t = await testApi({ load });
  const capture = (body: unknown) => t!.app.inject({ method: 'POST', url: '/api/v1/events', headers: t!.keys.quality, payload: body as object });
  const lot = (code: string) => t!.app.inject({ url: `/api/v1/lots/${encodeURIComponent(`urn:epc:class:lgtin:4012345.012345.${code}`)}`, headers: t!.keys.auditor });
  const plainLot = (code: string) => t!.app.inject({ url: `/api/v1/trace/forward?item=FLOUR&lot=${code}`, headers: t!.keys.auditor });
  return { t, capture, lot, plainLot, ...gates(t.store) };
}

function expectOverloaded(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, flag: string): void {
  expect(res.statusCode).toBe(429);
  expect(res.headers['retry-after']).toBe('1');
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as { code: string; status: number; type: string; detail: string };
  expect(body).toMatchObject({ code: 'OVERLOADED', status: 429, type: 'urn:lotline:error:OVERLOADED' });
  expect(body.detail).toContain(flag);
  expect(body.detail).toMatch(/nothing of this request was read or stored/);
}

describe('back-pressure over HTTP', () => {
  it('refuses a capture past --max-captures, stores nothing of it, and still answers reads', async () => {
    const { capture, plainLot, writes, t } = await app({ captureRequests: 1, captureQueueEvents: 1000, queryRequests: 8, maxLagMs: 0 });
    expect((await capture(receipt('BEFORE'))).statusCode).toBe(201);
    writes.close();
    const first = capture(receipt('FIRST'));
    await writes.waitFor(2);
    expectOverloaded(await capture(receipt('REFUSED')), '--max-captures 1');
    expectOverloaded(await capture([receipt('REFUSED-2'), receipt('REFUSED-3')]), '--max-captures 1');
    // Reads have their own bound: a capture flood does not starve them.
    expect((await plainLot('BEFORE')).statusCode).toBe(200);
    expect(t.app.api.admission.stats()).toMatchObject({ inFlight: { capture: 1, query: 0 }, refused: { capture: 2, query: 0 } });
    writes.open();
    expect((await first).statusCode).toBe(201);
    expect((await capture(receipt('AFTER'))).statusCode).toBe(201);
    expect((await plainLot('FIRST')).statusCode).toBe(200);
    for (const refused of ['REFUSED', 'REFUSED-2', 'REFUSED-3']) expect((await plainLot(refused)).json()).toMatchObject({ code: 'LOT_NOT_FOUND' });
    expect((await t.store.stats()).events).toBe(3);
    expect(t.app.api.admission.stats().inFlight).toEqual({ capture: 0, query: 0 });
  });

  it('refuses a capture while the writer holds --max-capture-queue events, and lets one larger than the bound in when the queue is shorter', async () => {
    const { capture, plainLot, writes, t } = await app({ captureRequests: 100, captureQueueEvents: 3, queryRequests: 8, maxLagMs: 0 });
    // 5 events, more than the bound, into an empty queue: let in.
    writes.close();
    const big = capture(['A', 'B', 'C', 'D', 'E'].map((l) => receipt(`BIG-${l}`)));
    await writes.waitFor(1);
    expect(t.app.api.admission.stats().queuedEvents).toBe(5);
    const refused = await capture(receipt('LATE'));
    expectOverloaded(refused, '--max-capture-queue 3');
    expect((refused.json() as { detail: string }).detail).toContain('5 events waiting to be written');
    writes.open();
    expect((await big).statusCode).toBe(201);
    expect(t.app.api.admission.stats().queuedEvents).toBe(0);
    expect((await plainLot('LATE')).statusCode).toBe(404);
    expect((await capture(receipt('LATE'))).statusCode).toBe(201);
    expect((await t.store.stats()).events).toBe(6);
  });

  it('refuses a read past --max-queries while captures still go through', async () => {
    const { capture, lot, plainLot, reads, t } = await app({ captureRequests: 100, captureQueueEvents: 1000, queryRequests: 1, maxLagMs: 0 });
    expect((await capture(receipt('GATED'))).statusCode).toBe(201);
    reads.close();
    const held = plainLot('GATED');
    await reads.waitFor(1);
    expectOverloaded(await plainLot('GATED'), '--max-queries 1');
    expectOverloaded(await lot('OTHER'), '--max-queries 1');
    // Captures have their own bound: a flood of traces and reports does not stop the scanners.
    expect((await capture(receipt('DURING'))).statusCode).toBe(201);
    expect(t.app.api.admission.stats()).toMatchObject({ inFlight: { capture: 0, query: 1 }, refused: { capture: 0, query: 2 } });
    reads.open();
    expect((await held).statusCode).toBe(200);
    expect(t.app.api.admission.stats().inFlight.query).toBe(0);
    expect((await plainLot('DURING')).statusCode).toBe(200);
  });

  it('does not count holds, sessions, the live stream or unknown routes', () => {
    expect(loadClassOf('POST', '/api/v1/events')).toBe('capture');
    expect(loadClassOf('POST', '/api/v1/epcis/capture')).toBe('capture');
    expect(loadClassOf('POST', '/api/v1/scan')).toBe('capture');
    expect(loadClassOf('GET', '/api/v1/trace/forward')).toBe('query');
    expect(loadClassOf('GET', '/api/v1/reports/fsma204')).toBe('query');
    expect(loadClassOf('POST', '/api/v1/recalls')).toBe('query');
    expect(loadClassOf('POST', '/api/v1/holds')).toBeUndefined();
    expect(loadClassOf('POST', '/api/v1/releases')).toBeUndefined();
    expect(loadClassOf('GET', '/api/v1/stream')).toBeUndefined();
    expect(loadClassOf('POST', '/api/v1/session')).toBeUndefined();
    expect(loadClassOf('GET', '/lots/x')).toBeUndefined();
    expect(loadClassOf('GET', undefined)).toBeUndefined();
  });

  it('releases a slot once, and refuses bounds below 1', () => {
    const a = new AdmissionControl({ captureRequests: 1, captureQueueEvents: 10, queryRequests: 1, maxLagMs: 0 }, () => 0);
    const slot = a.admit('capture');
    expect(() => a.admit('capture')).toThrow(expect.objectContaining({ code: 'OVERLOADED' }));
    slot.release();
    slot.release();
    expect(a.stats().inFlight.capture).toBe(0);
    a.admit('capture');
    expect(() => a.admit('capture')).toThrow(expect.objectContaining({ code: 'OVERLOADED' }));
    expect(() => new AdmissionControl({ captureRequests: 0, captureQueueEvents: 10, queryRequests: 1, maxLagMs: 0 }, () => 0)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('captureRequests') }));
  });

  it('refuses both classes while the event loop lags past --max-lag, and never with --max-lag 0', () => {
    let lag = 1500;
    const limits = { captureRequests: 10, captureQueueEvents: 10, queryRequests: 10, maxLagMs: 1000 };
    const a = new AdmissionControl(limits, () => 0, () => lag);
    for (const cls of ['capture', 'query'] as const) expect(() => a.admit(cls)).toThrow(expect.objectContaining({ code: 'OVERLOADED', message: expect.stringContaining('fired 1500 ms late (median of its last ticks), past its bound (--max-lag 1000)') }));
    lag = 900;
    a.admit('capture').release();
    a.admit('query').release();
    lag = 60_000;
    const off = new AdmissionControl({ ...limits, maxLagMs: 0 }, () => 0, () => lag);
    off.admit('capture');
    off.admit('query');
    expect(a.stats()).toMatchObject({ refused: { capture: 1, query: 1 }, lagMs: 60_000 });
  });

  it('measures the event loop delay by the median of its last ticks: one long task does not count, a stalled loop does', async () => {
    const lag = new EventLoopLag(20, 5);
    try {
      const block = (ms: number) => {
        const end = Date.now() + ms;
        while (Date.now() < end);
      };
      await new Promise((r) => setTimeout(r, 150));
      block(400);
      await new Promise((r) => setTimeout(r, 150));
      expect(lag.ms()).toBeLessThan(200);
      // Busy again at once after each tick: every tick is late.
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 1));
        block(300);
      }
      await new Promise((r) => setImmediate(r));
      expect(lag.ms()).toBeGreaterThan(200);
    } finally {
      lag.stop();
    }
  });

  it('lotline serve refuses a bound that is not a whole number of at least 1', async () => {
    const db = tempDb();
    for (const [flag, value] of [['--max-captures', '0'], ['--max-capture-queue', 'many'], ['--max-queries', '1.5'], ['--max-lag', 'soon']] as const) {
      const r = await cli('serve', '--db', db, '--port', '0', flag, value);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flag} must be a whole number${flag === '--max-lag' ? '' : ' of at least 1'}`);
    }
  });
});
