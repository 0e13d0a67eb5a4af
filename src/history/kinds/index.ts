/** Every resource kind history follows, and the lookup from (eventSource, eventName) to what the event does. */
import type { EventSpec, Kind } from './kind.js';
import { securityGroup } from './security-group.js';
import { iamUser } from './iam-user.js';
import { iamRole } from './role.js';
import { managedPolicy } from './policy.js';
import { accessKey } from './access-key.js';
import { s3Bucket } from './bucket.js';
import { ec2Instance } from './instance.js';
import { kmsKey } from './kms-key.js';
import { cloudTrail } from './trail.js';

export const KINDS: Kind[] = [securityGroup, iamUser, iamRole, managedPolicy, accessKey, s3Bucket, ec2Instance, kmsKey, cloudTrail];

const byType = new Map(KINDS.map((k) => [k.type, k]));
export function kindOf(type: string): Kind | undefined {
  return byType.get(type);
}

const byEvent = new Map<string, { kind: Kind; spec: EventSpec }[]>();
for (const kind of KINDS)
  for (const [name, spec] of Object.entries(kind.events)) {
    const k = `${kind.eventSource}|${name}`;
    byEvent.set(k, [...(byEvent.get(k) ?? []), { kind, spec }]);
  }

/** What an event does, per kind it touches (CreateAccessKey creates a key and changes its user). */
export function specsFor(eventSource: string, eventName: string): { kind: Kind; spec: EventSpec }[] {
  return byEvent.get(`${eventSource}|${eventName}`) ?? [];
}

/** Every event name history reads (to filter the lake). */
export const EVENT_NAMES = [...new Set(KINDS.flatMap((k) => Object.keys(k.events)))].sort();
