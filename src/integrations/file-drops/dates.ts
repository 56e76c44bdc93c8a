/**
 * Dates as ERP exports write them (`DD.MM.YYYY`, `MM/DD/YYYY HH:mm`, …) read with a format and a
 * time zone (an offset such as `+01:00`, or an IANA zone such as `Europe/Berlin`, whose offset is
 * taken for that very date, summer time included) into RFC 3339 with an offset.
 */

const TOKENS: Readonly<Record<string, { re: string; field: 'year' | 'year2' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'ms' }>> = {
  YYYY: { re: '(\\d{4})', field: 'year' },
  YY: { re: '(\\d{2})', field: 'year2' },
  MM: { re: '(\\d{1,2})', field: 'month' },
  M: { re: '(\\d{1,2})', field: 'month' },
  DD: { re: '(\\d{1,2})', field: 'day' },
  D: { re: '(\\d{1,2})', field: 'day' },
  HH: { re: '(\\d{1,2})', field: 'hour' },
  H: { re: '(\\d{1,2})', field: 'hour' },
  mm: { re: '(\\d{2})', field: 'minute' },
  ss: { re: '(\\d{2})', field: 'second' },
  SSS: { re: '(\\d{1,3})', field: 'ms' },
};
const TOKEN_RE = /YYYY|YY|SSS|MM|M|DD|D|HH|H|mm|ss/g;

export interface DateFormat {
  readonly source: string;
  readonly re: RegExp;
  readonly fields: readonly string[];
}

/** Compiles a format such as `DD.MM.YYYY HH:mm`; throws a message when it names no year, month and day. */
export function compileDateFormat(format: string): DateFormat {
  const fields: string[] = [];
  let re = '';
  let last = 0;
  for (const m of format.matchAll(TOKEN_RE)) {
    re += format.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    re += TOKENS[m[0]]!.re;
    fields.push(TOKENS[m[0]]!.field);
    last = m.index + m[0].length;
  }
  re += format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (!(fields.includes('year') || fields.includes('year2')) || !fields.includes('month') || !fields.includes('day')) {
    throw new Error(`the date format ${JSON.stringify(format)} must have a year (YYYY or YY), a month (MM) and a day (DD)`);
  }
  return { source: format, re: new RegExp(`^\\s*${re}\\s*$`), fields };
}

/** Checks a zone: `Z`, `±HH:MM`, or an IANA name this Node knows; returns a reason when it is not one. */
export function zoneProblem(zone: string): string | undefined {
  if (/^(Z|[+-]\d{2}:\d{2})$/.test(zone)) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return undefined;
  } catch {
    return `${JSON.stringify(zone)} is not a time zone: write an offset like +01:00 or an IANA name like Europe/Berlin`;
  }
}

/** Offset in minutes of an IANA zone at a UTC instant. */
function zoneOffsetAt(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(utcMs));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A wall time in a zone as RFC 3339 with its offset. */
export function zonedTime(wall: { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number }, zone: string): string {
  let offset: number;
  if (zone === 'Z') offset = 0;
  else if (/^[+-]\d{2}:\d{2}$/.test(zone)) offset = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  else {
    const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.ms);
    // the offset at the instant the wall time means: guess with the wall time as UTC, then correct once
    offset = zoneOffsetAt(zone, asUtc);
    offset = zoneOffsetAt(zone, asUtc - offset * 60_000);
  }
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const frac = wall.ms > 0 ? `.${pad(wall.ms, 3)}` : '';
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${frac}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Reads `text` with the format (or a spreadsheet date cell's ISO wall time); returns RFC 3339, or a reason. */
export function readDate(text: string, format: DateFormat, zone: string, isoWall = false): { time: string } | { reason: string } {
  let wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0 };
  if (isoWall) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text)!;
    wall = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, ms: 0 };
  } else {
    const m = format.re.exec(text);
    if (!m) return { reason: `is not a date in the format ${format.source}` };
    format.fields.forEach((f, i) => {
      const n = Number(m[i + 1]);
      if (f === 'year2') wall.year = 2000 + n;
      else wall[f as keyof typeof wall] = n;
    });
  }
  const check = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
  if (
    wall.month < 1 ||
    wall.month > 12 ||
    check.getUTCDate() !== wall.day ||
    check.getUTCMonth() !== wall.month - 1 ||
    wall.hour > 23 ||
    wall.minute > 59 ||
    wall.second > 59
  ) {
    return { reason: `is not a real date and time (format ${format.source})` };
  }
  return { time: zonedTime(wall, zone) };
}
