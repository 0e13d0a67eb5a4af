/** What an audit produces: findings with their lifecycle, and the report every renderer reads. */
import type { CheckMeta, CheckStatus, Severity } from './check.js';
import type { CheckError } from './engine.js';
import type { Exception } from './exceptions.js';

/**
 * A finding's lifecycle across audits (results that are not `pass` — fail or unknown — are "open" items):
 * - new: not passing, and never failing before (first seen, or passing until now)
 * - open: not passing now, and not passing at the previous audit either
 * - resolved: passing now, or the resource is gone (the check ran there and no longer reports it)
 * - reopened: not passing again after having been resolved
 * - muted: not passing, but a live exception accepts it (the lifecycle above still runs underneath)
 */
export type FindingStatus = 'new' | 'open' | 'resolved' | 'reopened' | 'muted';
export type Lifecycle = Exclude<FindingStatus, 'muted'>;
/** What happened to a finding in this audit. */
export type FindingChange = 'new' | 'reopened' | 'resolved';

export interface MuteInfo {
  /** 1-based position in the exceptions file. */
  exception: number;
  reason: string;
  owner: string;
  expires?: string;
}

export interface Finding {
  /** Stable: hash of check id + resource. */
  id: string;
  check: string;
  title: string;
  severity: Severity;
  service: string;
  resourceType: string;
  resource: string;
  resourceName?: string;
  account: string;
  region: string;
  result: CheckStatus;
  status: FindingStatus;
  lifecycle: Lifecycle;
  reason: string;
  firstSeen: string;
  lastSeen: string;
  tags?: Record<string, string>;
  change?: FindingChange;
  /** Resolved because the resource is no longer in the snapshot. */
  gone?: boolean;
  muted?: MuteInfo;
  /** An expired exception matched: it no longer mutes. */
  exceptionExpired?: MuteInfo;
}

export interface AuditInfo {
  id: string;
  /** When the audit ran. */
  time: string;
  snapshotId: string;
  snapshotTime: string;
  accounts: string[];
  previous?: { id: string; time: string; snapshotId: string };
}

export interface AuditReport {
  audit: AuditInfo;
  checks: CheckMeta[];
  /** Every result of this audit, plus findings resolved because their resource is gone. */
  findings: Finding[];
  changes: { new: number; reopened: number; resolved: number };
  /** Exceptions past their expiry, and how many failing findings they would have muted. */
  expiredExceptions: (Exception & { matched: number })[];
  errors: CheckError[];
  /** Passing results that were counted but not listed (an audit run with keepPasses: false). */
  unlisted?: { pass: number; byAccount: Record<string, number> };
  /** Milliseconds each check took. */
  timings?: Record<string, number>;
}
