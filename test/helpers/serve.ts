/** `lotline serve` in a child process, as an operator starts it: waits for the address it logs. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ServeProcess {
  /** `http://127.0.0.1:PORT`, as the server logged it. */
  readonly url: string;
  /** Everything the server printed so far. */
  log(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function serveProcess(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Lotline API at (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(log);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`serve exited with ${code}: ${log}`));
    });
  });
  return {
    url,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      return ((await once(child, 'exit')) as [number | null])[0];
    },
  };
}
