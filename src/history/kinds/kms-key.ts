/** KMS keys: key policy, rotation, enabled state and scheduled deletion. */
import { at, str } from '../event.js';
import type { TrailRecord } from '../types.js';
import { afterMarker, arnScheme, createdAt, setField, type EventSpec, type Kind, type Target } from './kind.js';

/**
 * The key an event acts on: `resources` names it by ARN; the request's keyId may be an id, an ARN or an alias
 * (an alias alone cannot be resolved from the event, so such a call is skipped).
 */
function keyTarget(rec: TrailRecord): (Target | undefined)[] {
  const res = Array.isArray(rec.resources) ? (rec.resources as { ARN?: string; type?: string }[]) : [];
  const arn = res.find((r) => r?.type === 'AWS::KMS::Key' || /:key\//.test(r?.ARN ?? ''))?.ARN;
  const ref = arn ?? str(rec, 'requestParameters.keyId');
  if (!ref || /alias\//.test(ref)) return [];
  if (ref.startsWith('arn:')) {
    const id = afterMarker(ref, 'kms', 'key/');
    return id ? [{ id, arn: ref }] : [];
  }
  return [{ id: ref }];
}

const flag = (field: string, value: unknown): EventSpec => ({ action: 'modify', targets: keyTarget, apply: (s) => ({ ...s, [field]: value }) });

export const kmsKey: Kind = {
  type: 'kms-key',
  eventSource: 'kms.amazonaws.com',
  global: false,
  ...arnScheme('kms', 'key/'),
  events: {
    CreateKey: {
      action: 'create',
      targets: createdAt(['responseElements.keyMetadata.keyId'], 'responseElements.keyMetadata.arn'),
      request: (rec) => ({
        description: str(rec, 'requestParameters.description') ?? null,
        keyUsage: str(rec, 'responseElements.keyMetadata.keyUsage') ?? str(rec, 'requestParameters.keyUsage') ?? null,
        keySpec: str(rec, 'responseElements.keyMetadata.keySpec') ?? str(rec, 'requestParameters.keySpec') ?? null,
        origin: str(rec, 'responseElements.keyMetadata.origin') ?? null,
        multiRegion: at(rec, 'responseElements.keyMetadata.multiRegion') ?? null,
        policy: str(rec, 'requestParameters.policy') ?? null,
      }),
      apply: (_s, r) => ({ ...r, keyState: 'Enabled', rotation: false }),
    },
    ScheduleKeyDeletion: {
      action: 'schedule-delete',
      targets: keyTarget,
      request: (rec) => ({ pendingWindowInDays: at(rec, 'requestParameters.pendingWindowInDays') ?? null, deletionDate: str(rec, 'responseElements.deletionDate') ?? null }),
      apply: (s, r) => ({ ...s, keyState: 'PendingDeletion', deletionDate: r.deletionDate }),
    },
    CancelKeyDeletion: { action: 'modify', targets: keyTarget, apply: (s) => ({ ...s, keyState: 'Disabled', deletionDate: null }) },
    PutKeyPolicy: {
      action: 'modify',
      targets: keyTarget,
      request: (rec) => ({ policyName: str(rec, 'requestParameters.policyName') ?? 'default', policy: str(rec, 'requestParameters.policy') ?? null }),
      apply: setField('policy', 'policy'),
    },
    EnableKeyRotation: flag('rotation', true),
    DisableKeyRotation: flag('rotation', false),
    EnableKey: flag('keyState', 'Enabled'),
    DisableKey: flag('keyState', 'Disabled'),
  },
  fromSnapshot: (c, arn) => {
    const id = c?.KeyId ?? afterMarker(arn, 'kms', 'key/');
    return typeof id === 'string' ? { id, state: {} } : undefined;
  },
};
