/**
 * A deterministic sample organisation's CloudTrail: days of ordinary activity by people, CI and AWS services, with
 * optional planted stories (an intrusion through a leaked key; two people sharing an admin role).
 * The same options give the same records, in time order, on every machine.
 */
import { UsageError } from '../util/errors.js';
import { ordinaryActivity } from './activity.js';
import { DAY_MS, Day, type DayPlan } from './day.js';
import { DEFAULT_ACCOUNTS, DEFAULT_REGIONS, buildEstate, buildPeople, type Account } from './estate.js';
import { INTRUSION_DAY, intrusion, nightlyBackup, sharedAdminRole } from './stories.js';
import type { TrailRecord } from './record.js';

export type { TrailRecord, UserIdentity } from './record.js';
export type { Account } from './estate.js';
export { DEFAULT_ACCOUNTS, DEFAULT_REGIONS } from './estate.js';
export { CI_ROLE, CI_USER, TERRAFORM_REPO, TERRAFORM_ROLE, TERRAFORM_TARGET_ROLE } from './activity.js';
export * from './stories.js';

export interface OrgOptions {
  seed?: number;
  /** First day, `YYYY-MM-DD` (UTC). */
  start: string;
  days: number;
  /** The first account is the management account, the second production (where the stories happen). */
  accounts?: Account[];
  regions?: string[];
  /** Ordinary records a day (the stories add theirs on top). Default 2,500. */
  eventsPerDay?: number;
  intrusion?: boolean;
  sharedAdminRole?: boolean;
  /** Generated colleagues beside the named people (the access benchmark uses ~1,000 principals). */
  extraPeople?: number;
}

export const DEFAULT_EVENTS_PER_DAY = 2500;
/** The day bob makes his single call as admin (0-based, clamped to the period). */
export const ADMIN_SINGLE_DAY = 2;

interface Resolved {
  seed: number;
  start: number;
  days: number;
  eventsPerDay: number;
  intrusion: boolean;
  sharedAdminRole: boolean;
  plan: Omit<DayPlan, 'index' | 'start'>;
}

function resolve(o: OrgOptions): Resolved {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.start) || Number.isNaN(Date.parse(`${o.start}T00:00:00Z`)))
    throw new UsageError(`synth: start must be a day as YYYY-MM-DD, got "${o.start}"`);
  if (!Number.isInteger(o.days) || o.days < 1) throw new UsageError(`synth: days must be a positive integer, got ${o.days}`);
  const accounts = o.accounts ?? DEFAULT_ACCOUNTS;
  if (accounts.length === 0 || accounts.some((a) => !/^\d{12}$/.test(a.id)))
    throw new UsageError('synth: accounts must be a non-empty list of {id: 12 digits, name}');
  const regions = o.regions ?? DEFAULT_REGIONS;
  if (regions.length === 0) throw new UsageError('synth: regions must not be empty');
  return {
    seed: o.seed ?? 1,
    start: Date.parse(`${o.start}T00:00:00Z`),
    days: o.days,
    eventsPerDay: o.eventsPerDay ?? DEFAULT_EVENTS_PER_DAY,
    intrusion: o.intrusion ?? false,
    sharedAdminRole: o.sharedAdminRole ?? false,
    plan: { estates: accounts.map(buildEstate), regions, people: buildPeople(accounts, o.extraPeople ?? 0) },
  };
}

function buildDay(r: Resolved, index: number): TrailRecord[] {
  const day = new Day({ ...r.plan, index, start: r.start + index * DAY_MS }, r.seed);
  ordinaryActivity(day, r.eventsPerDay);
  nightlyBackup(day);
  if (r.sharedAdminRole) sharedAdminRole(day, Math.min(ADMIN_SINGLE_DAY, r.days - 1));
  if (r.intrusion && index === Math.min(INTRUSION_DAY, r.days - 1)) intrusion(day);
  return day.records();
}

/**
 * One day of the organisation (0-based `index`), in time order. Each day depends only on the options and its index,
 * so days can be generated in parallel (the volume archive does) with the same result.
 */
export function generateOrgDay(opts: OrgOptions, index: number): TrailRecord[] {
  const r = resolve(opts);
  if (!Number.isInteger(index) || index < 0 || index >= r.days) throw new UsageError(`synth: day ${index} is outside 0..${r.days - 1}`);
  return buildDay(r, index);
}

/** The organisation's records, day after day, in time order. */
export function* generateOrg(opts: OrgOptions): Generator<TrailRecord> {
  const r = resolve(opts);
  for (let i = 0; i < r.days; i++) yield* buildDay(r, i);
}
