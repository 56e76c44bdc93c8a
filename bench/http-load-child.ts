/**
 * The load generator of the HTTP capture section, run as a process of its own so that it does not
 * share an event loop (or a core's time slice accounting) with the server it measures: autocannon
 * sends exactly `requests` POST /api/v1/events, each body new (lot codes numbered from `prefix`,
 * so that every event is distinct and must be stored: 201), `perRequest` native commands each
 * (1 = one object, more = an array). Prints one JSON line with the counts and latencies.
 *
 *   tsx bench/http-load-child.ts '{"url":"http://127.0.0.1:PORT","key":"llk_…","requests":2000,"perRequest":1,"connections":10,"prefix":"S"}'
 */
import autocannon from 'autocannon';

interface LoadArgs {
  url: string;
  key: string;
  requests: number;
  perRequest: number;
  connections: number;
  prefix: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as LoadArgs;
if (!args.url || !args.key || !(args.requests >= 1) || !(args.perRequest >= 1) || !(args.connections >= 1) || !args.prefix) {
  console.error('usage: http-load-child.ts \'{"url","key","requests","perRequest","connections","prefix"}\'');
  process.exit(2);
}

let next = 0;
/** One receipt of a lot never seen before; times spread over a year so that they look like a log. */
function command(n: number): string {
  const time = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return `{"cmd":"receive","time":"${time}","lots":[{"item":"BENCH-FLOUR","lot":"${args.prefix}-${n}","quantity":1000,"uom":"KGM"}],"from":"Valley Mills","location":"Goods in"}`;
}
function body(): string {
  if (args.perRequest === 1) return command(next++);
  const parts: string[] = [];
  for (let i = 0; i < args.perRequest; i++) parts.push(command(next++));
  return `[${parts.join(',')}]`;
}

const started = process.hrtime.bigint();
const result = await autocannon({
  url: args.url,
  connections: Math.min(args.connections, args.requests),
  amount: args.requests,
  timeout: 60,
  requests: [
    {
      method: 'POST',
      path: '/api/v1/events',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${args.key}` },
      setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body() }),
    },
  ],
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const statusCodes: Record<string, number> = {};
for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(s.count);
const ok = statusCodes['201'] ?? 0;
console.log(
  JSON.stringify({
    requests: args.requests,
    perRequest: args.perRequest,
    connections: Math.min(args.connections, args.requests),
    bodiesBuilt: next / args.perRequest,
    created: ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    seconds,
    requestsPerSecond: ok / seconds,
    eventsPerSecond: (ok * args.perRequest) / seconds,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
  }),
);
