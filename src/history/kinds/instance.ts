/** EC2 instances: launch configuration, run state and attribute changes. UserData is never kept. */
import { at, items, str } from '../event.js';
import type { Json, TrailRecord } from '../types.js';
import { arnScheme, fromItem, type EventSpec, type Kind, type Target } from './kind.js';

const inSet = (path: string) => (rec: TrailRecord): (Target | undefined)[] =>
  items(at(rec, path)).map((i) => (typeof i?.instanceId === 'string' ? { id: i.instanceId } : undefined));

/** The response's entry for one instance (RunInstances, Start/Stop/Terminate list one per instance). */
const responseItem = (rec: TrailRecord, id: string): Json => items(at(rec, 'responseElements.instancesSet')).find((i) => i?.instanceId === id) ?? {};

/** Start/Stop/Terminate: the run state the response reports for this instance. */
const runState = (action: EventSpec['action']): EventSpec => ({
  action,
  targets: inSet('requestParameters.instancesSet'),
  request: (rec, t) => ({ runState: responseItem(rec, t.id).currentState?.name ?? null }),
  apply: (s, r) => ({ ...s, runState: r.runState }),
});

export const ec2Instance: Kind = {
  type: 'instance',
  eventSource: 'ec2.amazonaws.com',
  global: false,
  ...arnScheme('ec2', 'instance/'),
  events: {
    RunInstances: {
      action: 'create',
      targets: inSet('responseElements.instancesSet'),
      request: (rec, t) => {
        const i = responseItem(rec, t.id);
        return {
          imageId: i.imageId ?? null,
          instanceType: i.instanceType ?? null,
          keyName: i.keyName ?? null,
          subnetId: i.subnetId ?? null,
          vpcId: i.vpcId ?? null,
          instanceProfile: i.iamInstanceProfile?.arn ?? null,
          securityGroups: items(i.groupSet).map((g) => g.groupId),
          runState: i.instanceState?.name ?? 'pending',
        };
      },
    },
    TerminateInstances: runState('delete'),
    StopInstances: runState('stop'),
    StartInstances: runState('start'),
    ModifyInstanceAttribute: {
      action: 'modify',
      targets: (rec) => [str(rec, 'requestParameters.instanceId') ? { id: str(rec, 'requestParameters.instanceId')! } : undefined],
      // Which attributes changed and to what; UserData only as "changed" (it may hold secrets).
      request: (rec) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries((rec.requestParameters as Record<string, unknown>) ?? {})) {
          if (k === 'instanceId') continue;
          out[k] = /userdata/i.test(k) ? '<changed>' : v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
        }
        return out;
      },
      apply: (s, r) => ({ ...s, attributes: { ...(s.attributes ?? {}), ...r } }),
    },
  },
  fromSnapshot: fromItem('InstanceId', (c) => ({
    imageId: c.ImageId ?? null,
    instanceType: c.InstanceType ?? null,
    keyName: c.KeyName ?? null,
    subnetId: c.SubnetId ?? null,
    vpcId: c.VpcId ?? null,
    instanceProfile: c.IamInstanceProfile?.Arn ?? null,
    securityGroups: (Array.isArray(c.SecurityGroups) ? c.SecurityGroups : []).map((g: Json) => g.GroupId),
    runState: c.State?.Name ?? null,
  })),
};
