/** Reading CloudTrail records: paths, who did it, where, and lake rows turned back into records. */
import type { Json, TrailRecord } from './types.js';

/** The value at a dotted path (`requestParameters.groupId`), undefined when any step is missing. */
export function at(rec: unknown, path: string): Json {
  let cur: Json = rec;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[k];
  }
  return cur;
}

/** A non-empty string at a path, else undefined. */
export function str(rec: unknown, path: string): string | undefined {
  const v = at(rec, path);
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** CloudTrail lists are `{items: [...]}` in EC2's events and plain arrays elsewhere. */
export function items(v: Json): Json[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object' && Array.isArray(v.items)) return v.items;
  return [];
}

export function accountOf(rec: TrailRecord): string {
  return str(rec, 'recipientAccountId') ?? str(rec, 'userIdentity.accountId') ?? 'unknown';
}

export function partitionOf(rec: TrailRecord): string {
  const fromArn = /^arn:([^:]+):/.exec(str(rec, 'userIdentity.arn') ?? '')?.[1];
  if (fromArn) return fromArn;
  const region = str(rec, 'awsRegion') ?? '';
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** A failed call (errorCode set) changed nothing. */
export function failed(rec: TrailRecord): boolean {
  return !!str(rec, 'errorCode');
}

/**
 * The IAM user or role acting, as a history key, so rules can ask when that principal was created. An assumed
 * role's session is its role (sessionContext.sessionIssuer); root, services and federated users have none.
 */
export function principalKeyOf(rec: TrailRecord): string | null {
  const type = str(rec, 'userIdentity.type');
  const account = str(rec, 'userIdentity.accountId') ?? accountOf(rec);
  if (type === 'IAMUser') {
    const name = str(rec, 'userIdentity.userName') ?? str(rec, 'userIdentity.arn')?.split('/').pop();
    return name ? resourceKey('iam-user', account, 'global', name) : null;
  }
  if (type === 'AssumedRole' && str(rec, 'userIdentity.sessionContext.sessionIssuer.type') === 'Role') {
    const issuer = str(rec, 'userIdentity.sessionContext.sessionIssuer.arn');
    const name = str(rec, 'userIdentity.sessionContext.sessionIssuer.userName') ?? issuer?.split('/').pop();
    const issuerAccount = str(rec, 'userIdentity.sessionContext.sessionIssuer.accountId') ?? account;
    return name ? resourceKey('role', issuerAccount, 'global', name) : null;
  }
  return null;
}

/** One key per resource: type, account, region (`global` for IAM and S3) and the resource's own id. */
export function resourceKey(type: string, account: string, region: string, id: string): string {
  return `${type}:${account}:${region}:${id}`;
}

/** The lake columns history reads, selected back into CloudTrail's shape by `recordFromLakeRow`. */
export const LAKE_COLUMNS = `eventid, eventtime, eventsource, eventname, awsregion, recipientaccountid, sourceipaddress, useragent,
  errorcode, sessioncredentialfromconsole,
  requestparameters::VARCHAR AS requestparameters, responseelements::VARCHAR AS responseelements,
  useridentity.type AS ui_type, useridentity.arn AS ui_arn, useridentity.accountid AS ui_account,
  useridentity.username AS ui_username, useridentity.invokedby AS ui_invokedby,
  useridentity.sessioncontext.sessionissuer.type AS si_type, useridentity.sessioncontext.sessionissuer.arn AS si_arn,
  useridentity.sessioncontext.sessionissuer.username AS si_username, useridentity.sessioncontext.sessionissuer.accountid AS si_account,
  to_json(resources)::VARCHAR AS resources`;

const parse = (v: unknown): Json => (typeof v === 'string' ? JSON.parse(v) : (v ?? null));

/** A lake row (LAKE_COLUMNS) as the CloudTrail record it came from, as far as history reads records. */
export function recordFromLakeRow(r: Record<string, unknown>): TrailRecord {
  const resources = (parse(r.resources) ?? []) as { arn?: string; accountid?: string; type?: string }[];
  return {
    eventID: r.eventid,
    eventTime: r.eventtime,
    eventSource: r.eventsource,
    eventName: r.eventname,
    awsRegion: r.awsregion,
    recipientAccountId: r.recipientaccountid,
    sourceIPAddress: r.sourceipaddress,
    userAgent: r.useragent,
    errorCode: r.errorcode,
    sessionCredentialFromConsole: r.sessioncredentialfromconsole,
    requestParameters: parse(r.requestparameters),
    responseElements: parse(r.responseelements),
    userIdentity: {
      type: r.ui_type,
      arn: r.ui_arn,
      accountId: r.ui_account,
      userName: r.ui_username,
      invokedBy: r.ui_invokedby,
      sessionContext: { sessionIssuer: { type: r.si_type, arn: r.si_arn, userName: r.si_username, accountId: r.si_account } },
    },
    resources: resources.map((x) => ({ ARN: x.arn, accountId: x.accountid, type: x.type })),
  };
}
