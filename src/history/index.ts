/**
 * Resource history: who changed what, when, from where and with which tool — from CloudTrail events (live
 * batches or the lake), seeded with the state a snapshot collected. Tables: history_changes, history_resources.
 */
import type { Store } from '../store/store.js';
import type { Alert } from '../detect/alerts.js';
import { detect } from './detect.js';
import { refresh } from './lake.js';
import { owner, history } from './query.js';
import { applyRecords } from './record.js';
import { getMeta } from './schema.js';
import { latestSnapshotId, seed } from './seed.js';
import type { Change, ResourceHistory, TrailRecord } from './types.js';

export type { Action, Change, ResourceHistory, ResourceInfo } from './types.js';
export { AmbiguousRefError, findResources, owner as ownerAnswer, type OwnerAnswer } from './query.js';
export { toolOf, type Tool, type ToolName } from './tool.js';
export { changesOf } from './extract.js';
export { HISTORY_RULES, NEW_PRINCIPAL_SECONDS } from './detect.js';

/** Stores the changes these CloudTrail records made. Idempotent (eventID + resource). Returns new changes. */
export async function recordChanges(store: Store, records: Record<string, unknown>[]): Promise<number> {
  return applyRecords(store, records as TrailRecord[]);
}

/** Applies the lake's events not applied yet (own checkpoint); cheap when nothing is new. Returns new changes. */
export async function refreshFromLake(store: Store): Promise<number> {
  return refresh(store);
}

/** Seeds the state of the resources in a snapshot (default: the latest). Returns resources seeded. */
export async function seedFromSnapshot(store: Store, snapshotId?: string): Promise<number> {
  return seed(store, snapshotId);
}

/** Seeds from the latest snapshot if not done yet, then applies new lake events: what the CLI runs first. */
export async function bringUpToDate(store: Store): Promise<{ seeded: number; changes: number }> {
  const latest = await latestSnapshotId(store);
  const seeded = latest && latest !== (await getMeta(store, 'seeded_snapshot')) ? await seed(store, latest) : 0;
  return { seeded, changes: await refresh(store) };
}

/** A resource's state and timeline; ref = ARN or id (sg-…, AKIA…, user name…). Several matches → AmbiguousRefError. */
export async function historyOf(store: Store, ref: string): Promise<ResourceHistory | undefined> {
  return history(store, ref);
}

/** The change that created the resource, undefined when not in the data (or no such resource). */
export async function ownerOf(store: Store, ref: string): Promise<Change | undefined> {
  return (await owner(store, ref))?.owner ?? undefined;
}

/** For rules that consult history, e.g. "instance launched by a principal created in the last 24 h". */
export async function detectWithHistory(store: Store, records: Record<string, unknown>[]): Promise<Alert[]> {
  return detect(store, records as TrailRecord[]);
}
