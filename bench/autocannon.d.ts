/** The part of autocannon 8's API the HTTP capture section uses (the package ships no types). */
declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (req: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown> | undefined;
  }
  interface AutocannonOptions {
    url: string;
    connections?: number;
    amount?: number;
    timeout?: number;
    requests?: AutocannonRequest[];
  }
  interface Histogram {
    p50: number;
    p99: number;
    max: number;
    mean: number;
  }
  interface AutocannonResult {
    non2xx: number;
    errors: number;
    timeouts: number;
    latency: Histogram;
    statusCodeStats?: Record<string, { count: number | string }>;
  }
  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
}
