/**
 * Where grants come from: IAM authorization details per account (a snapshot, or saved
 * `aws iam get-account-authorization-details` outputs as CloudTracker reads them), plus SCPs when given.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { openCloudMapperDir } from '../snapshot/cloudmapper-dir.js';
import { openSnapshot } from '../collect/store.js';
import type { Store } from '../store/store.js';
import type { SnapshotReader } from '../snapshot/types.js';
import { parseAuthorizationDetails, type IamModel, type IamPrincipal, type PrincipalKind } from '../iam/authdetails.js';
import { parsePolicy, type Statement } from '../iam/policy.js';
import { UsageError } from '../util/errors.js';

export interface Granted {
  models: IamModel[];
  /** SCP levels that apply to every account (root → account). */
  scps?: Statement[][];
  snapshot?: SnapshotReader;
  warnings: string[];
}

export const AUTH_DETAILS_CALL = 'iam-get-account-authorization-details';

function readJson(file: string): unknown {
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message.split('\n')[0]})`);
  }
}

/** IAM models from a snapshot: every account whose authorization details were collected. */
export function grantedFromSnapshot(snapshot: SnapshotReader, label = snapshot.id): Granted {
  const models: IamModel[] = [];
  const warnings: string[] = [];
  for (const acct of snapshot.accounts()) {
    let done = false;
    let failure: string | undefined;
    for (const region of snapshot.regions(acct.id)) {
      const r = snapshot.call(acct.id, region, AUTH_DETAILS_CALL);
      if (r?.status === 'ok') {
        models.push(parseAuthorizationDetails(r.data, `${label} ${acct.name} ${AUTH_DETAILS_CALL}`, acct.id));
        done = true;
        break;
      }
      if (r) failure = `${r.status}: ${r.error}`;
    }
    if (!done) warnings.push(`account ${acct.id} (${acct.name}): no IAM authorization details (${failure ?? 'not collected'}); its principals are unknown`);
  }
  return { models, snapshot, warnings };
}

export interface GrantedOptions {
  iamFiles?: string[];
  /** A collection directory (CloudMapper layout) or the id of a snapshot in the store. */
  snapshot?: string;
  /** Files each holding one SCP document, or a list of them (one level each, root first). */
  scpFiles?: string[];
}

/** A directory is read as a collection; anything else is a snapshot id in the store (none: the latest). */
async function resolveSnapshot(ref: string | undefined, store?: Store): Promise<SnapshotReader> {
  if (ref && existsSync(ref) && statSync(ref).isDirectory()) return openCloudMapperDir(ref);
  if (!store) throw new UsageError(`--snapshot ${ref}: no such directory`);
  try {
    return await openSnapshot(store, ref);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${store.path}: no snapshots here; give --iam <file> (aws iam get-account-authorization-details output) or --snapshot <dir>`);
  }
}

/**
 * Grants from --iam files (CloudTracker's way), else from a snapshot: --snapshot <dir|id>, or the store's latest.
 * With --iam, a snapshot still lends its trails' event selectors and credential reports when given.
 */
export async function loadGranted(o: GrantedOptions, store?: Store): Promise<Granted> {
  let g: Granted;
  if (o.iamFiles?.length) {
    g = { models: o.iamFiles.map((f) => parseAuthorizationDetails(readJson(f), f)), warnings: [] };
    if (o.snapshot) g.snapshot = await resolveSnapshot(o.snapshot, store);
  } else {
    g = grantedFromSnapshot(await resolveSnapshot(o.snapshot, store), o.snapshot);
  }
  if (o.scpFiles?.length) {
    g.scps = o.scpFiles.map((f) => {
      const v = readJson(f);
      const docs = Array.isArray(v) ? v : [v];
      return docs.flatMap((d, i) => parsePolicy(d, docs.length > 1 ? `${f}[${i}]` : f));
    });
  }
  return g;
}

/** Resolves an account given by id or by the snapshot's account name. */
export function accountId(g: Granted, idOrName: string | undefined): string | undefined {
  if (!idOrName) return undefined;
  if (/^\d{12}$/.test(idOrName)) return idOrName;
  const hit = g.snapshot?.accounts().find((a) => a.name === idOrName);
  if (!hit) throw new UsageError(`--destaccount: no account named ${idOrName} in the snapshot (give the 12-digit id)`);
  return hit.id;
}

/** The one principal of that kind and name (in `account` when given); a clear error when none or several. */
export function findPrincipal(g: Granted, kind: PrincipalKind, name: string, account?: string, match = (n: string) => n === name): IamPrincipal {
  const hits = g.models
    .filter((m) => !account || m.account === account)
    .flatMap((m) => m.principals.filter((p) => p.kind === kind && match(p.name)));
  if (hits.length === 0) {
    const where = account ? ` in account ${account}` : '';
    throw new UsageError(`no IAM ${kind} ${name}${where} in ${g.models.map((m) => m.source).join(', ') || 'the IAM details'}`);
  }
  const accounts = new Set(hits.map((h) => h.account));
  if (accounts.size > 1) throw new UsageError(`${kind} ${name} exists in accounts ${[...accounts].join(', ')}: pick one with --destaccount`);
  return hits[0]!;
}
