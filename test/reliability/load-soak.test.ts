/**
 * The short version of the load soak (bench/load-soak.ts) that CI runs: the real server in a child
 * process on a small generated plant, loaded for seconds instead of minutes by captures, traces,
 * FSMA 204 reports and recall scopes at once, then pushed past deliberately small bounds. It
 * proves the harness and the guarantees; the figures worth quoting come from the long run in
 * docs/reliability.md. About 50 s on an idle machine (minutes on a loaded one: no time is judged).
 */
import { describe, expect, it } from 'vitest';
import { runSoak, soakMarkdown } from '../../bench/load-soak.js';

describe('load soak, short', () => {
  it('holds a mixed load without an error, refuses a push past its bounds with 429 OVERLOADED, and stores every acknowledged event and no refused one', async () => {
    const r = await runSoak({
      seconds: 18,
      warmUpSeconds: 3,
      captureRate: 4,
      perRequest: 1,
      traceRate: 1,
      fsmaRate: 0.2,
      recallRate: 0.1,
      // 2 connections a kind: at most --max-captures in flight, so the soak itself is never refused by the count.
      sockets: 2,
      // Far past what any machine writes (40,000 events a second), over 100 connections.
      pushSeconds: 6,
      pushRate: 400,
      pushPerRequest: 100,
      pushSockets: 100,
      afterSeconds: 5,
      // Small bounds, so that the push passes them on any machine; the delay bound off, so that a
      // busy runner does not refuse the soak (its refusals are tested in test/e2e/http-overload.test.ts).
      maxCaptures: 2,
      maxCaptureQueue: 500,
      maxLag: 0,
      days: 2,
      sampleMs: 1000,
    });
    const report = soakMarkdown(r);
    expect(r.failures, report).toEqual([]);
    // Every kind really ran, and the push really was refused, with the code and header.
    for (const k of ['capture', 'trace', 'fsma204', 'recall'] as const) expect(r.soak.kinds[k].ok, `${k} answered in the soak`).toBeGreaterThan(0);
    expect(r.push.kinds.capture.refused['OVERLOADED'] ?? 0).toBeGreaterThan(0);
    expect(r.push.kinds.capture.refusedWithoutRetryAfter).toBe(0);
    expect(r.store.acked).toBeGreaterThan(0);
    expect(r.store.refused).toBeGreaterThan(0);
    expect(r.store.ackedMissing).toBe(0);
    expect(r.store.refusedStored).toBe(0);
    expect(r.server.exitCode).toBe(0);
  }, 900_000);
});
