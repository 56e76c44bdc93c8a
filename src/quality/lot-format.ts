/**
 * Lot-code formats as plants write them: `YYYYMMDD-PRODUCT-SEQ`, a pattern of named parts and
 * literal characters. Runs of capital letters are part names (built in: YYYY, YY, MM, DD, JJJ,
 * HH, SEQ; others defined by the plant as regular expressions); capital letters meant literally
 * are quoted: `'L'YYMMDD`. Pure: no I/O.
 */

const BUILT_IN: Readonly<Record<string, string>> = {
  YYYY: '\\d{4}',
  YY: '\\d{2}',
  MM: '0[1-9]|1[0-2]',
  DD: '0[1-9]|[12]\\d|3[01]',
  JJJ: '00[1-9]|0[1-9]\\d|[12]\\d\\d|3[0-5]\\d|36[0-6]',
  HH: '[01]\\d|2[0-3]',
  SEQ: '\\d+',
};

export interface LotFormat {
  readonly pattern: string;
  readonly parts: readonly string[];
  /** The regular expression the pattern and its parts compile to (what a change of format changes). */
  readonly regex: string;
  /** Why `code` breaks the format, or null when it follows it. */
  check(code: string): string | null;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Splits a run of capitals into known part names, longest first; undefined when it cannot. */
function splitRun(run: string, names: readonly string[]): string[] | undefined {
  if (run === '') return [];
  for (const n of names) {
    if (!run.startsWith(n)) continue;
    const rest = splitRun(run.slice(n.length), names);
    if (rest) return [n, ...rest];
  }
  return undefined;
}

/** Compiles a pattern, or says which field is wrong and why. */
export function compileLotFormat(pattern: string, custom: Readonly<Record<string, string>>): LotFormat | { field: string; error: string } {
  const defs: Record<string, string> = { ...BUILT_IN };
  for (const [name, source] of Object.entries(custom)) {
    if (!/^[A-Z]+$/.test(name)) return { field: `parts.${name}`, error: 'a part name is written in capital letters A-Z only' };
    try {
      new RegExp(source);
    } catch (e) {
      return { field: `parts.${name}`, error: `not a valid regular expression: ${e instanceof Error ? e.message : String(e)}` };
    }
    defs[name] = source;
  }
  const names = Object.keys(defs).sort((a, b) => b.length - a.length);
  let regex = '';
  const parts: string[] = [];
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) return { field: 'pattern', error: `the quote at position ${i + 1} is never closed` };
      regex += escape(pattern.slice(i + 1, end));
      i = end + 1;
    } else if (/[A-Z]/.test(ch)) {
      let j = i;
      while (j < pattern.length && /[A-Z]/.test(pattern[j]!)) j++;
      const run = pattern.slice(i, j);
      const split = splitRun(run, names);
      if (!split) return { field: 'pattern', error: `"${run}" is not made of known parts (${names.join(', ')}); define it under "parts", or quote literal letters: '${run}'` };
      for (const p of split) {
        if (parts.includes(p)) return { field: 'pattern', error: `the part ${p} appears twice` };
        parts.push(p);
        regex += `(?<${p}>${defs[p]})`;
      }
      i = j;
    } else {
      regex += escape(ch);
      i++;
    }
  }
  if (parts.length === 0) return { field: 'pattern', error: 'has no named part (YYYY, MM, DD, SEQ, …): write the fixed text in quotes and at least one part' };
  const re = new RegExp(`^(?:${regex})$`);
  return {
    pattern,
    parts,
    regex: re.source,
    check(code: string): string | null {
      const m = re.exec(code);
      if (!m) return `"${code}" does not have the form ${pattern}`;
      const g = m.groups ?? {};
      const year = g['YYYY'] !== undefined ? Number(g['YYYY']) : g['YY'] !== undefined ? 2000 + Number(g['YY']) : undefined;
      if (year !== undefined && g['MM'] !== undefined && g['DD'] !== undefined) {
        const month = Number(g['MM']);
        const day = Number(g['DD']);
        if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return `"${code}" names a date that does not exist (${year}-${g['MM']}-${g['DD']})`;
      }
      if (year !== undefined && g['JJJ'] !== undefined && Number(g['JJJ']) === 366 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) {
        return `"${code}" names day 366 of ${year}, which has 365 days`;
      }
      return null;
    },
  };
}
