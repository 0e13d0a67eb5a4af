/** IAM users: policies, login profile, groups and access keys, as the events tell. */
import { at, str } from '../event.js';
import type { TrailRecord } from '../types.js';
import { arnScheme, createdAt, fromItem, idAt, pick, type Kind, type Target } from './kind.js';
import { policiesFromSnapshot, principalPolicyEvents } from './iam.js';

/** The user an access-key call is about: the named one, else the caller itself (root's own keys have no user). */
export function accessKeyUser(rec: TrailRecord): string | undefined {
  const named = str(rec, 'requestParameters.userName');
  if (named) return named;
  const caller = str(rec, 'userIdentity.type');
  if (caller === 'Root') return undefined;
  return str(rec, 'responseElements.accessKey.userName') ?? (caller === 'IAMUser' ? str(rec, 'userIdentity.userName') : undefined);
}

const user = idAt('requestParameters.userName');
const userArns = arnScheme('iam', 'user/', true);
const keyOwner = (rec: TrailRecord): (Target | undefined)[] => {
  const id = accessKeyUser(rec);
  return id ? [{ id }] : [];
};
const loginProfile = (on: boolean) => ({ action: 'modify' as const, targets: user, request: pick('passwordResetRequired'), apply: (s: object) => ({ ...s, loginProfile: on }) });

export const iamUser: Kind = {
  type: 'iam-user',
  eventSource: 'iam.amazonaws.com',
  global: true,
  arn: userArns.arn,
  // Collect names access keys `user/<name>/accesskey/<id>`: those are keys, not users.
  idFromArn: (arn) => (arn.includes('/accesskey/') ? undefined : userArns.idFromArn(arn)),
  events: {
    CreateUser: {
      action: 'create',
      targets: createdAt(['responseElements.user.userName', 'requestParameters.userName'], 'responseElements.user.arn'),
      request: (rec) => ({
        path: str(rec, 'responseElements.user.path') ?? str(rec, 'requestParameters.path') ?? '/',
        userId: str(rec, 'responseElements.user.userId') ?? null,
        permissionsBoundary: str(rec, 'requestParameters.permissionsBoundary') ?? null,
        tags: at(rec, 'requestParameters.tags') ?? [],
      }),
      apply: (_s, r) => ({ attachedPolicies: [], inlinePolicies: {}, groups: [], accessKeys: [], loginProfile: false, ...r }),
    },
    DeleteUser: { action: 'delete', targets: user },
    ...principalPolicyEvents('User', 'userName'),
    CreateLoginProfile: loginProfile(true),
    UpdateLoginProfile: loginProfile(true),
    DeleteLoginProfile: loginProfile(false),
    AddUserToGroup: { action: 'modify', targets: user, request: pick('groupName'), apply: (s, r) => ({ ...s, groups: [...new Set([...(s.groups ?? []), r.groupName])] }) },
    RemoveUserFromGroup: { action: 'modify', targets: user, request: pick('groupName'), apply: (s, r) => ({ ...s, groups: (s.groups ?? []).filter((g: string) => g !== r.groupName) }) },
    CreateAccessKey: {
      action: 'modify',
      targets: keyOwner,
      request: (rec) => ({ accessKeyCreated: str(rec, 'responseElements.accessKey.accessKeyId') ?? null }),
      apply: (s, r) => ({ ...s, accessKeys: [...new Set([...(s.accessKeys ?? []), r.accessKeyCreated].filter(Boolean))] }),
    },
    DeleteAccessKey: {
      action: 'modify',
      targets: keyOwner,
      request: (rec) => ({ accessKeyDeleted: str(rec, 'requestParameters.accessKeyId') ?? null }),
      apply: (s, r) => ({ ...s, accessKeys: (s.accessKeys ?? []).filter((k: string) => k !== r.accessKeyDeleted) }),
    },
  },
  fromSnapshot: fromItem('UserName', (c) => ({
    path: c.Path ?? '/',
    userId: c.UserId ?? null,
    ...policiesFromSnapshot(c, 'UserPolicyList'),
    groups: Array.isArray(c.GroupList) ? c.GroupList : [],
  })),
};
