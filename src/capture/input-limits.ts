/**
 * Limits on the shape of captured JSON, checked before any reader looks at a field: how deep
 * objects and arrays nest, how long one string (or key) is, how many events one request holds.
 * Past them a reader would recurse until the stack overflows (an unhelpful "cannot compute the
 * event hash", or a 500) or store a megabyte of text in one field; with them the caller gets
 * its own error code and the JSON path of the first field over the limit, and nothing is stored.
 */
import type { ErrorCode, Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';

/**
 * Deepest nesting of objects and arrays in one captured value, counted from the document (or
 * line, or request body) itself. An EPCIS document with sensor reports nests about 8 deep.
 */
export const MAX_JSON_DEPTH = 64;
/** Longest string value or object key, in UTF-16 code units (as `String.length` counts). */
export const MAX_STRING_CHARS = 65_536;
/** Most events (or native commands) in one HTTP request, EPCIS capture or MQTT message; files have no such limit. */
export const MAX_REQUEST_EVENTS = 10_000;

/** A value over one of the limits: the code, and where (the JSON path) and why. */
export interface LimitBreach {
  readonly code: Extract<ErrorCode, 'INPUT_TOO_DEEP' | 'INPUT_STRING_TOO_LONG'>;
  readonly issue: Issue;
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$@][\w$:@-]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`;
}

/**
 * The first place where `value` breaks a limit, or undefined. Iterative (an explicit stack), so
 * that a value nested a million deep is measured, not a stack overflow; paths are built only for
 * the field reported.
 */
export function findLimitBreach(value: unknown, rootPath = '$', limits: { maxDepth?: number; maxStringChars?: number } = {}): LimitBreach | undefined {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const maxChars = limits.maxStringChars ?? MAX_STRING_CHARS;
  // Every captured event passes here: the common case (no breach) takes the cheap walk, without paths.
  if (!breaks(value, 1, maxDepth, maxChars)) return undefined;
  if (typeof value === 'string') {
    return value.length > maxChars ? tooLong(rootPath, value.length, maxChars) : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  // Each entry: a container, its depth, and how to rebuild its path (parent index and key).
  const nodes: { value: object; depth: number; parent: number; key: string | number }[] = [{ value, depth: 1, parent: -1, key: '' }];
  const pathOf = (i: number, key?: string | number): string => {
    const keys: (string | number)[] = key === undefined ? [] : [key];
    for (let n = i; n > 0; n = nodes[n]!.parent) keys.push(nodes[n]!.key);
    return keys.reverse().reduce<string>((p, k) => childPath(p, k), rootPath);
  };
  const stack = [0];
  while (stack.length > 0) {
    const i = stack.pop()!;
    const node = nodes[i]!;
    if (node.depth > maxDepth) {
      return { code: 'INPUT_TOO_DEEP', issue: { path: pathOf(i), reason: `objects and arrays nest more than ${maxDepth} deep here; Lotline reads at most ${maxDepth} levels` } };
    }
    if (Array.isArray(node.value)) {
      const a = node.value as unknown[];
      for (let k = 0; k < a.length; k++) {
        const v = a[k];
        if (typeof v === 'string') {
          if (v.length > maxChars) return tooLong(pathOf(i, k), v.length, maxChars);
        } else if (typeof v === 'object' && v !== null) {
          stack.push(nodes.push({ value: v, depth: node.depth + 1, parent: i, key: k }) - 1);
        }
      }
    } else {
      for (const k in node.value) {
        if (k.length > maxChars) return { code: 'INPUT_STRING_TOO_LONG', issue: { path: pathOf(i), reason: `a key of ${k.length} characters is longer than the limit of ${maxChars}` } };
        const v = (node.value as Record<string, unknown>)[k];
        if (typeof v === 'string') {
          if (v.length > maxChars) return tooLong(pathOf(i, k), v.length, maxChars);
        } else if (typeof v === 'object' && v !== null) {
          stack.push(nodes.push({ value: v, depth: node.depth + 1, parent: i, key: k }) - 1);
        }
      }
    }
  }
  return undefined;
}

/** Whether `value` breaks a limit: recursion stops at `maxDepth`, so the stack stays as shallow as the limit. */
function breaks(value: unknown, depth: number, maxDepth: number, maxChars: number): boolean {
  if (typeof value === 'string') return value.length > maxChars;
  if (typeof value !== 'object' || value === null) return false;
  if (depth > maxDepth) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (breaks(value[i], depth + 1, maxDepth, maxChars)) return true;
    return false;
  }
  for (const k in value) {
    if (k.length > maxChars || breaks((value as Record<string, unknown>)[k], depth + 1, maxDepth, maxChars)) return true;
  }
  return false;
}

function tooLong(path: string, length: number, max: number): LimitBreach {
  return { code: 'INPUT_STRING_TOO_LONG', issue: { path, reason: `the text has ${length} characters, over the limit of ${max} for one field` } };
}

/** Throws the breach as a LotlineError; `where` starts the message (`walk.ndjson: line 3: `, `request: `). */
export function enforceInputLimits(value: unknown, where: string, rootPath = '$', extra: Partial<Issue> = {}): void {
  const breach = findLimitBreach(value, rootPath);
  if (!breach) return;
  const issue = { ...breach.issue, ...extra };
  throw new LotlineError(breach.code, `${where}${issue.path}: ${issue.reason}. Nothing was stored.`, { issues: [issue] });
}

/** Refuses a request holding more events than one request may (`MAX_REQUEST_EVENTS`). */
export function enforceEventCount(count: number, listPath: string, noun: 'request' | 'document' | 'message', max = MAX_REQUEST_EVENTS): void {
  if (count <= max) return;
  throw new LotlineError('INPUT_TOO_MANY_EVENTS', `the ${noun} holds ${count} events, over the limit of ${max} per ${noun}; send them in several ${noun}s, or import them as a file (no limit). Nothing was stored.`, {
    issues: [{ path: listPath, reason: `${count} events; at most ${max}` }],
  });
}
