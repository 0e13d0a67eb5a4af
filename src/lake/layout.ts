/**
 * CloudTrail's S3 delivery layout, used to skip log files without reading them:
 *   [prefix/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>
 *   [prefix/]AWSLogs/<o-orgid>/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>   (organization trails)
 * and the same with `CloudTrail-Digest` for the integrity digests (no events: recognised, counted, skipped).
 */
import { UsageError } from '../util/errors.js';

export interface ParsedLogPath {
  account: string;
  region: string;
  /** The delivery day of the file, 'YYYY-MM-DD' (UTC). */
  date: string;
  /** The organization id of an organization trail. */
  orgId?: string;
  /** A CloudTrail-Digest file (integrity digest, no events). */
  digest: boolean;
}

/** What to keep: a time window and accounts/regions (empty or absent = all). */
export interface LogFilter {
  since?: Date;
  until?: Date;
  accounts?: string[];
  regions?: string[];
}

/** Organization ids are `o-` + 10 to 32 lowercase letters or digits. */
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
export const ACCOUNT_ID = /^\d{12}$/;
/** Region names as AWS spells them (and anonymised ones, such as stratus-red-team's `apiso-centralnorth-2r`). */
export const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;

const SEP = String.raw`[/\\]`;
const LAYOUT = new RegExp(
  String.raw`(?:^|${SEP})AWSLogs${SEP}(?:(o-[a-z0-9]{10,32})${SEP})?(\d{12})${SEP}(CloudTrail|CloudTrail-Digest)${SEP}` +
    String.raw`([a-z0-9-]+)${SEP}(\d{4})${SEP}(\d{2})${SEP}(\d{2})(?:${SEP}|$)`,
);

/** Reads the layout from a local path, an S3 key or an s3:// URL; undefined when the path is not in the layout. */
export function parseLogPath(path: string): ParsedLogPath | undefined {
  const m = LAYOUT.exec(path);
  if (!m) return undefined;
  const [, orgId, account, kind, region, y, mo, d] = m as unknown as string[];
  const date = `${y}-${mo}-${d}`;
  if (!REGION.test(region!) || !isCalendarDay(date)) return undefined;
  return { account: account!, region: region!, date, ...(orgId ? { orgId } : {}), digest: kind === 'CloudTrail-Digest' };
}

function isCalendarDay(date: string): boolean {
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date;
}

/** 'YYYY-MM-DD' of a time (UTC). */
export function dayOf(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** The day after 'YYYY-MM-DD'. */
export function nextDay(date: string): string {
  return dayOf(new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000));
}

/**
 * The delivery days that can hold events of [since, until]: a file is filed under the day it was delivered, up to
 * ~15 minutes after its last event, so events at `until` may sit in a file of the next day; no file of a day before
 * `since` holds an event at or after `since`.
 */
export function dayWindow(filter: LogFilter): { from?: string; to?: string } {
  return {
    from: filter.since ? dayOf(filter.since) : undefined,
    to: filter.until ? nextDay(dayOf(filter.until)) : undefined,
  };
}

/** Whether a file in the layout can hold events the filter wants. */
export function keepPath(parsed: ParsedLogPath, filter: LogFilter): boolean {
  if (filter.accounts?.length && !filter.accounts.includes(parsed.account)) return false;
  if (filter.regions?.length && !filter.regions.includes(parsed.region)) return false;
  const { from, to } = dayWindow(filter);
  if (from && parsed.date < from) return false;
  if (to && parsed.date > to) return false;
  return true;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * A --since/--until value: a duration back from now (`90s`, `15m`, `12h`, `30d`, `2w`), a day (`2024-03-01`, UTC
 * midnight) or an ISO-8601 time (`2024-03-01T12:00:00Z`; without a zone it is read as UTC).
 */
export function parseTimeArg(value: string, now: Date = new Date()): Date {
  const v = value.trim();
  const rel = /^(\d+)\s*([smhdw])$/i.exec(v);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * UNITS[rel[2]!.toLowerCase()]!);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    if (!isCalendarDay(v)) throw new UsageError(`${value}: not a calendar day`);
    return new Date(`${v}T00:00:00Z`);
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(v)) {
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(v) ? v : `${v}Z`;
    const t = Date.parse(withZone.replace(' ', 'T'));
    if (!Number.isNaN(t)) return new Date(t);
  }
  throw new UsageError(`${value}: not a time (use 30d, 12h, 15m, 2024-03-01 or an ISO time such as 2024-03-01T12:00:00Z)`);
}
