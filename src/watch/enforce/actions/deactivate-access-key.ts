/**
 * deactivate-access-key: the key a CreateAccessKey made (persistence), or the long-term key behind the
 * triggering call (a leaked key in use) → UpdateAccessKey Inactive. Inactive, not deleted: it can be turned back on.
 */
import { ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { accountOf, path, succeeded, text, type EnforcementAction, type Target } from './types.js';

function target(rec: Record<string, unknown>, keyId: string, userName: string): Target {
  return { label: `${keyId} (${userName})`, account: accountOf(rec), region: 'us-east-1', detail: { keyId, userName } };
}

export const deactivateAccessKey: EnforcementAction = {
  id: 'deactivate-access-key',
  verb: 'Deactivate access key',
  targets(rec) {
    if (rec.eventName === 'CreateAccessKey') {
      if (!succeeded(rec)) return [];
      const keyId = text(path(rec, 'responseElements', 'accessKey', 'accessKeyId'));
      const user = text(path(rec, 'responseElements', 'accessKey', 'userName')) ?? text(path(rec, 'requestParameters', 'userName')) ?? text(path(rec, 'userIdentity', 'userName'));
      return keyId && user ? [target(rec, keyId, user)] : [];
    }
    // Any other call made with an IAM user's long-term key (AKIA...): that key.
    const keyId = text(path(rec, 'userIdentity', 'accessKeyId'));
    const user = text(path(rec, 'userIdentity', 'userName'));
    if (path(rec, 'userIdentity', 'type') !== 'IAMUser' || !keyId?.startsWith('AKIA') || !user) return [];
    return [target(rec, keyId, user)];
  },
  async read(t, aws) {
    const { keyId, userName } = t.detail as { keyId: string; userName: string };
    const r = await aws.iam(t.account).send(new ListAccessKeysCommand({ UserName: userName }));
    const k = r.AccessKeyMetadata?.find((m) => m.AccessKeyId === keyId);
    return { userName, accessKeyId: keyId, status: k?.Status ?? 'absent' };
  },
  needed: (_t, before) => (before as { status: string }).status === 'Active',
  async apply(t, aws) {
    const { keyId, userName } = t.detail as { keyId: string; userName: string };
    await aws.iam(t.account).send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: keyId, Status: 'Inactive' }));
  },
};
