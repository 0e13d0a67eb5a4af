/** IAM roles: trust policy, policies and boundary, as the events tell. */
import { str } from '../event.js';
import { arnScheme, createdAt, fromItem, idAt, pick, setField, type Kind } from './kind.js';
import { document, policiesFromSnapshot, principalPolicyEvents } from './iam.js';

const role = idAt('requestParameters.roleName');
const created = createdAt(['responseElements.role.roleName', 'requestParameters.roleName'], 'responseElements.role.arn');
const fresh = { attachedPolicies: [], inlinePolicies: {}, permissionsBoundary: null };

export const iamRole: Kind = {
  type: 'role',
  eventSource: 'iam.amazonaws.com',
  global: true,
  ...arnScheme('iam', 'role/', true),
  events: {
    CreateRole: {
      action: 'create',
      targets: created,
      request: (rec) => ({
        path: str(rec, 'responseElements.role.path') ?? str(rec, 'requestParameters.path') ?? '/',
        description: str(rec, 'requestParameters.description') ?? null,
        assumeRolePolicyDocument: document(str(rec, 'requestParameters.assumeRolePolicyDocument')),
        roleId: str(rec, 'responseElements.role.roleId') ?? null,
        permissionsBoundary: str(rec, 'requestParameters.permissionsBoundary') ?? null,
      }),
      apply: (_s, r) => ({ ...fresh, ...r }),
    },
    CreateServiceLinkedRole: {
      action: 'create',
      targets: created,
      request: (rec) => ({ ...pick('aWSServiceName', 'AWSServiceName')(rec), path: str(rec, 'responseElements.role.path') ?? null }),
      apply: (_s, r) => ({ ...fresh, ...r }),
    },
    DeleteRole: { action: 'delete', targets: role },
    DeleteServiceLinkedRole: { action: 'delete', targets: role },
    UpdateAssumeRolePolicy: {
      action: 'modify',
      targets: role,
      request: (rec) => ({ assumeRolePolicyDocument: document(str(rec, 'requestParameters.policyDocument')) }),
      apply: setField('assumeRolePolicyDocument', 'assumeRolePolicyDocument'),
    },
    UpdateRole: { action: 'modify', targets: role, request: pick('description', 'maxSessionDuration') },
    ...principalPolicyEvents('Role', 'roleName'),
  },
  fromSnapshot: fromItem('RoleName', (c) => ({
    path: c.Path ?? '/',
    roleId: c.RoleId ?? null,
    assumeRolePolicyDocument: document(c.AssumeRolePolicyDocument),
    ...policiesFromSnapshot(c, 'RolePolicyList'),
  })),
};
