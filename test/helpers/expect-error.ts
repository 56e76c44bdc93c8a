import { expect } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.js';
import { LotlineError } from '../../src/domain/errors.js';

/** Asserts that `f` throws a LotlineError with this code whose message mentions each string. */
export function expectError(f: () => unknown, code: ErrorCode, ...mentions: string[]): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(LotlineError);
  const err = thrown as LotlineError;
  expect(err.code).toBe(code);
  for (const m of mentions) expect(err.message).toContain(m);
}
