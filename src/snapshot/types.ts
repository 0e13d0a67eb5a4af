/**
 * A snapshot as the rest of vigil reads it: raw AWS responses per account, region and call, in CloudMapper's
 * naming (`<service>-<call>`, e.g. `iam-get-account-authorization-details`, `ec2-describe-instances`), with the
 * outcome of every call so a reader can tell "empty" from "denied" from "never collected".
 * Collection writes snapshots; the audit and the access review read them through this interface only.
 */

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

export interface SnapshotAccount {
  id: string;
  name: string;
  partition: Partition;
}

/** The outcome of one API call (or one parameterised call) during collection. */
export type CallResult =
  | { status: 'ok'; data: unknown }
  /** AccessDenied, SCP denial, disabled/opt-in region, timeout, unsupported service, other error. */
  | { status: 'denied' | 'disabled' | 'timeout' | 'unsupported' | 'error'; error: string };

export interface SnapshotReader {
  readonly id: string;
  /** ISO time the collection started. */
  readonly time: string;
  accounts(): SnapshotAccount[];
  /** Regions collected for the account (global services live in the partition's home region). */
  regions(accountId: string): string[];
  /**
   * The raw response of `name` (CloudMapper's `<service>-<call>`) in account/region; with `param`, the
   * parameterised call for that parameter (e.g. `s3-get-bucket-policy` for a bucket name).
   * undefined: the call was never attempted (so a check must say `unknown`, never `pass`).
   */
  call(accountId: string, region: string, name: string, param?: string): CallResult | undefined;
  /** The parameters a parameterised call was made with (e.g. every bucket for `s3-get-bucket-policy`). */
  params(accountId: string, region: string, name: string): string[];
}
