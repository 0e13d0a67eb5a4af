/** IAM access keys: who created them for which user, and their status. The secret is never in events or here. */
import { str } from '../event.js';
import type { TrailRecord } from '../types.js';
import { fromItem, idAt, type Kind, type Target } from './kind.js';
import { accessKeyUser } from './iam-user.js';

/** Collect's ARN for a key (src/collect/resources.ts), so snapshots and events meet. */
const keyArn = (rec: TrailRecord, id: string, partition = 'aws') => {
  const user = accessKeyUser(rec);
  const account = str(rec, 'recipientAccountId') ?? str(rec, 'userIdentity.accountId');
  return user && account ? `arn:${partition}:iam::${account}:user/${user}/accesskey/${id}` : undefined;
};
const withArn = (pathToId: string) => (rec: TrailRecord): (Target | undefined)[] =>
  idAt(pathToId)(rec).map((t) => t && { id: t.id, arn: keyArn(rec, t.id, str(rec, 'userIdentity.arn')?.split(':')[1]) });

export const accessKey: Kind = {
  type: 'access-key',
  eventSource: 'iam.amazonaws.com',
  global: true,
  arn: (id, account, _r, partition) => `arn:${partition}:iam::${account}:accesskey/${id}`,
  idFromArn: (arn) => {
    const m = /^arn:[^:]+:iam::\d*:(?:user\/.+\/)?accesskey\/([A-Z0-9]+)$/.exec(arn);
    return m ? { id: m[1]! } : undefined;
  },
  events: {
    CreateAccessKey: {
      action: 'create',
      targets: withArn('responseElements.accessKey.accessKeyId'),
      request: (rec) => ({ userName: accessKeyUser(rec) ?? null, status: str(rec, 'responseElements.accessKey.status') ?? 'Active' }),
    },
    DeleteAccessKey: { action: 'delete', targets: withArn('requestParameters.accessKeyId') },
    UpdateAccessKey: {
      action: 'modify',
      targets: withArn('requestParameters.accessKeyId'),
      request: (rec) => ({ status: str(rec, 'requestParameters.status') ?? null }),
    },
  },
  fromSnapshot: fromItem('AccessKeyId', (c) => ({ userName: c.UserName ?? null, status: c.Status ?? null })),
};
