/**
 * Canonical JSON: object keys sorted by code unit, no white space, numbers as JavaScript
 * prints them (RFC 8785 for the values Lotline stores). The hash chain covers this form,
 * so that re-serialising a stored event can never change its hash.
 *
 * Written as one pass into one string (it runs once per captured event): the same output as
 * `{${sortedKeys.map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',')}}`, which the
 * tests keep as the reference.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw new TypeError(`canonical JSON has no form for ${typeof value}`);
  }
  return write(value);
}

/** Characters JSON.stringify escapes in a string (quote, backslash, controls, lone surrogates). */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return str(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no form for NaN or Infinity');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const v: unknown = value[i];
          out += v === undefined ? 'null' : canonicalJson(v);
        }
        return out + ']';
      }
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = o[k];
        if (v === undefined) continue;
        out += first ? str(k) : `,${str(k)}`;
        out += `:${canonicalJson(v)}`;
        first = false;
      }
      return out + '}';
    }
    default:
      throw new TypeError(`canonical JSON has no form for ${typeof value}`);
  }
}
