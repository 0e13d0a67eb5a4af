/**
 * Building CloudTrail records shaped as AWS writes them: the same keys, in the same order, with the optional keys
 * (tlsDetails, resources, additionalEventData, sharedEventID, vpcEndpointId, errorCode) present only where AWS
 * puts them.
 */
import type { Rng } from './random.js';

/** A CloudTrail record as delivered in `{"Records":[...]}` (camelCase keys); loose, since AWS adds keys over time. */
export interface TrailRecord extends Record<string, unknown> {
  eventVersion?: string;
  userIdentity?: UserIdentity;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  requestID?: string;
  eventID?: string;
  readOnly?: boolean;
  resources?: { ARN?: string; accountId?: string; type?: string }[];
  eventType?: string;
  apiVersion?: string;
  managementEvent?: boolean;
  recipientAccountId?: string;
  sharedEventID?: string;
  vpcEndpointId?: string;
  vpcEndpointAccountId?: string;
  eventCategory?: string;
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
  serviceEventDetails?: Record<string, unknown>;
  sessionCredentialFromConsole?: string;
}

export interface UserIdentity extends Record<string, unknown> {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: {
    sessionIssuer?: { type: string; principalId: string; arn: string; accountId: string; userName: string };
    webIdFederationData?: Record<string, unknown>;
    attributes?: { creationDate: string; mfaAuthenticated: string };
    ec2RoleDelivery?: string;
    sourceIdentity?: string;
  };
}

/** Who makes a call and from where. The identity object is shared by a session's records: treat it as read-only. */
export interface Caller {
  identity: UserIdentity;
  ip: string;
  userAgent: string;
  /** Calls made by AWS on the caller's behalf carry no TLS details (they never crossed the internet). */
  tls: boolean;
  console?: boolean;
  vpcEndpointId?: string;
}

export interface CallSpec {
  time: number;
  caller: Caller;
  account: string;
  region: string;
  source: string;
  name: string;
  readOnly: boolean;
  params: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  /** A failed call; `code` is absent for failed console sign-ins, as AWS writes them. */
  error?: { code?: string; message: string };
  additional?: Record<string, unknown>;
  resources?: { ARN?: string; accountId?: string; type?: string }[];
  data?: boolean;
  eventType?: string;
  sharedEventID?: string;
  /** Service events (`AwsServiceEvent`) carry no request id. */
  requestID?: string | null;
  apiVersion?: string;
  serviceEventDetails?: Record<string, unknown>;
}

/** `2026-03-02T09:14:07Z`: CloudTrail's eventTime has no milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** The eventVersion each service currently writes (from real records: IAM 1.09, CloudTrail 1.10, STS 1.08 ...). */
const EVENT_VERSION: Record<string, string> = {
  'iam.amazonaws.com': '1.09',
  'cloudtrail.amazonaws.com': '1.10',
  'sts.amazonaws.com': '1.08',
  'signin.amazonaws.com': '1.08',
  'ec2.amazonaws.com': '1.09',
  's3.amazonaws.com': '1.09',
  'kms.amazonaws.com': '1.08',
  'lambda.amazonaws.com': '1.08',
  'ssm.amazonaws.com': '1.08',
  'secretsmanager.amazonaws.com': '1.09',
  'monitoring.amazonaws.com': '1.09',
  'logs.amazonaws.com': '1.08',
  'ecr.amazonaws.com': '1.08',
  'ecs.amazonaws.com': '1.08',
  'cloudformation.amazonaws.com': '1.08',
  'rds.amazonaws.com': '1.08',
};

/** Services whose API endpoint is global (one host, no region). */
const GLOBAL_HOST: Record<string, string> = {
  'iam.amazonaws.com': 'iam.amazonaws.com',
  'signin.amazonaws.com': 'signin.aws.amazon.com',
  'organizations.amazonaws.com': 'organizations.us-east-1.amazonaws.com',
};

export function serviceHost(source: string, region: string): string {
  const global = GLOBAL_HOST[source];
  if (global) return global;
  const svc = source.slice(0, source.indexOf('.'));
  return `${svc}.${region}.amazonaws.com`;
}

function tlsFor(rng: Rng, source: string, region: string, host?: unknown): TrailRecord['tlsDetails'] {
  const v13 = rng.chance(0.8);
  return {
    tlsVersion: v13 ? 'TLSv1.3' : 'TLSv1.2',
    cipherSuite: v13 ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
    clientProvidedHostHeader: typeof host === 'string' ? host : serviceHost(source, region),
  };
}

/** One CloudTrail record. Keys are inserted in the order AWS writes them. */
export function makeRecord(rng: Rng, c: CallSpec): TrailRecord {
  const r: TrailRecord = {
    eventVersion: c.data ? '1.10' : (EVENT_VERSION[c.source] ?? '1.08'),
    userIdentity: c.caller.identity,
    eventTime: isoSeconds(c.time),
    eventSource: c.source,
    eventName: c.name,
    awsRegion: c.region,
    sourceIPAddress: c.caller.ip,
    userAgent: c.caller.userAgent,
  };
  if (c.error) {
    if (c.error.code) r.errorCode = c.error.code;
    r.errorMessage = c.error.message;
  }
  r.requestParameters = c.params;
  r.responseElements = c.response ?? null;
  if (c.additional) r.additionalEventData = c.additional;
  if (c.requestID !== null) r.requestID = c.requestID ?? (c.source === 's3.amazonaws.com' ? rng.upper(16) : rng.uuid());
  r.eventID = rng.uuid();
  r.readOnly = c.readOnly;
  if (c.resources) r.resources = c.resources;
  r.eventType = c.eventType ?? 'AwsApiCall';
  if (c.apiVersion) r.apiVersion = c.apiVersion;
  r.managementEvent = !c.data;
  r.recipientAccountId = c.account;
  if (c.serviceEventDetails) r.serviceEventDetails = c.serviceEventDetails;
  if (c.sharedEventID) r.sharedEventID = c.sharedEventID;
  if (c.caller.vpcEndpointId) {
    r.vpcEndpointId = c.caller.vpcEndpointId;
    r.vpcEndpointAccountId = c.account;
  }
  r.eventCategory = c.data ? 'Data' : 'Management';
  if (c.caller.tls) r.tlsDetails = tlsFor(rng, c.source, c.region, c.params?.Host);
  if (c.caller.console) r.sessionCredentialFromConsole = 'true';
  return r;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mar 2, 2026, 9:14:07 PM`: how CloudTrail writes dates inside responseElements (credential expiry, createDate). */
export function awsDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** The IAM action a call needs, as AccessDenied messages name it (`lambda:ListFunctions`, `cloudwatch:GetMetricData`). */
export function iamAction(source: string, name: string): string {
  const prefix = source === 'monitoring.amazonaws.com' ? 'cloudwatch' : source.slice(0, source.indexOf('.'));
  return `${prefix}:${name.replace(/20\d{6}(v\d)?$/, '')}`;
}

/** The error AWS returns when a policy does not allow the call, worded per service as real records show. */
export function accessDenied(caller: Caller, source: string, name: string, resource?: string): { code: string; message: string } {
  const arn = caller.identity.arn ?? 'unknown';
  const action = iamAction(source, name);
  const why = `because no identity-based policy allows the ${action} action`;
  if (source === 'ec2.amazonaws.com')
    return { code: 'Client.UnauthorizedOperation', message: `You are not authorized to perform this operation. User: ${arn} is not authorized to perform: ${action} ${why}` };
  if (source === 's3.amazonaws.com') return { code: 'AccessDenied', message: 'Access Denied' };
  const on = resource ? ` on resource: ${resource}` : '';
  const code = source === 'lambda.amazonaws.com' || source === 'kms.amazonaws.com' ? 'AccessDeniedException' : 'AccessDenied';
  return { code, message: `User: ${arn} is not authorized to perform: ${action}${on} ${why}` };
}
