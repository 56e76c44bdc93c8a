/**
 * The server's pino logger: JSON lines, and credentials redacted should a serializer or a call
 * ever print them (test/reliability/access-logs.test.ts checks that none reach the log at all).
 */
import type { DestinationStream } from 'pino';
import { pino } from 'pino';
import type { FastifyBaseLogger } from 'fastify';

/** Paths pino censors wherever a log line carries them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  'secret',
  '*.password',
  '*.secret',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): FastifyBaseLogger {
  const level = options.level ?? process.env['LOTLINE_LOG_LEVEL'] ?? 'info';
  const config = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return (options.destination ? pino(config, options.destination) : pino(config)) as unknown as FastifyBaseLogger;
}
