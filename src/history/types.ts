/** The shapes resource history is made of: changes (one per event and resource) and resources (their state). */

// CloudTrail's request and response elements are free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A CloudTrail record as CloudTrail writes it (camelCase keys). */
export type TrailRecord = Record<string, unknown>;

/** What an event did to a resource. `schedule-delete`: KMS keys, deleted only after a waiting period. */
export type Action = 'create' | 'modify' | 'delete' | 'start' | 'stop' | 'schedule-delete';

/** One event's effect on one resource, as stored in `history_changes`. */
export interface Change {
  resourceKey: string;
  type: string;
  resourceId: string;
  arn: string;
  account: string;
  region: string;
  eventId: string;
  time: string;
  action: Action;
  eventName: string;
  eventSource: string;
  principalArn: string | null;
  /** userIdentity.type: IAMUser, AssumedRole, Root, AWSService, FederatedUser... */
  principalType: string | null;
  /** The history key of the IAM user or role behind the principal (for "principal created recently"). */
  principalKey: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  /** console, aws-cli, sdk, terraform, cloudformation, cdk, pulumi, aws-service, unknown (see tool.ts). */
  tool: string;
  /** The product and version the tool was recognised by (boto3/1.34.2, Terraform/1.7.0...). */
  toolDetail: string | null;
  /** What the request changed, as far as state needs it: picked fields only, never secrets. */
  request: Json;
}

/** A resource as history knows it. */
export interface ResourceInfo {
  key: string;
  type: string;
  id: string;
  arn: string;
  account: string;
  region: string;
  /** Current state as far as the events (and the seeding snapshot) tell. */
  state: Json;
  createdBy: string | null;
  createdAt: string | null;
  deleted: boolean;
  lastChangeAt: string | null;
  /** The snapshot the state was seeded from, and its time. */
  seedSnapshot: string | null;
  seedTime: string | null;
}

export interface ResourceHistory {
  resource: ResourceInfo;
  /** Oldest first. */
  changes: Change[];
}
