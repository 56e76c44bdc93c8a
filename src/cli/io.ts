import { hostname, userInfo } from 'node:os';
import type { CaptureContext } from '../store/event-store.js';

/** Where a command writes: stdout for results, stderr for progress and errors. Swappable in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress is redrawn in place). */
  readonly errIsTty: boolean;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  errIsTty: Boolean(process.stderr.isTTY),
};

/** A usage error: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The audit-trail identity of a command-line write: the operating-system user on this host. */
export function cliContext(): CaptureContext {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env['USER'] ?? 'unknown';
  }
  return { actor: `cli:${user}`, origin: `cli@${hostname()}` };
}
