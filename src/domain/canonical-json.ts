/**
 * Canonical JSON: object keys sorted by code unit, no white space, numbers as JavaScript
 * prints them (RFC 8785 for the values Lotline stores). The hash chain covers this form,
 * so that re-serialising a stored event can never change its hash.
 *
 * It runs once per captured event, so it is built for speed: a copy of the value whose objects
 * have their keys in sorted order, written by the engine's JSON.stringify. The engine enumerates
 * array-index keys ("0", "17") before all others whatever their order, and `__proto__` cannot be
 * set as a plain key, so a value with such a key anywhere is written by the plain recursive
 * writer instead. Both give the output of the plain writer the
 * tests keep as the reference, and the same errors.
 */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(sortedCopy(value));
  } catch (e) {
    if (e === USE_WRITER) return write(value);
    throw e;
  }
}

const INDEX_KEY = /^(?:0|[1-9]\d*)$/;
const USE_WRITER = Symbol('use the plain writer');

function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no form for NaN or Infinity');
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          out[i] = v === undefined ? null : sortedCopy(v);
        }
        return out;
      }
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const v = o[k];
        if (v === undefined) continue;
        if (k === '__proto__' || INDEX_KEY.test(k)) throw USE_WRITER;
        out[k] = sortedCopy(v);
      }
      return out;
    }
    default:
      throw new TypeError(`canonical JSON has no form for ${typeof value}`);
  }
}

/** The plain recursive writer. */
function write(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonical JSON has no form for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : write(v))).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${write(o[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for ${typeof value}`);
}
