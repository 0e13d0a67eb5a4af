/**
 * Finds the region folders of a CloudTrail bucket (`…AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/`) by
 * delimiter listing, so that a poller lists only the day folders it wants under each (two requests per region
 * per poll) instead of walking years and months every time.
 */
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { ACCOUNT_ID, ORG_ID, REGION } from '../../lake/layout.js';

export interface RegionFilter {
  accounts?: string[];
  regions?: string[];
}

const lastSeg = (p: string) => p.split('/').filter(Boolean).pop() ?? '';
const wanted = (list: string[] | undefined, v: string) => !list?.length || list.includes(v);

/**
 * The region folders under s3://bucket/prefix. `prefix` may be empty, a folder up to two levels above AWSLogs/, or
 * AWSLogs/, an org, an account, its CloudTrail/ folder or a region. Undefined when the prefix is not in (or above)
 * the layout, or is below a region (a day folder): the caller then lists the prefix whole.
 */
export async function regionFolders(client: S3Client, bucket: string, prefix: string, filter: RegionFilter, concurrency = 8): Promise<string[] | undefined> {
  const limit = pLimit(concurrency);
  const folders = async (p: string): Promise<string[]> => {
    const out = new Set<string>();
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await limit(() => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: p, Delimiter: '/', ContinuationToken: token })));
      for (const c of page.CommonPrefixes ?? []) if (c.Prefix) out.add(c.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return [...out];
  };
  const all = async (ps: string[], depth: number): Promise<string[] | undefined> => {
    const found = (await Promise.all(ps.map((p) => walk(p, depth)))).filter((x): x is string[] => x !== undefined);
    return found.length ? found.flat() : undefined;
  };

  const walk = async (p: string, depth: number): Promise<string[] | undefined> => {
    const at = p.lastIndexOf('AWSLogs/');
    if (at < 0 || (at > 0 && p[at - 1] !== '/')) {
      // Above the layout: a trail's own key prefix, at most two folders deep.
      if (depth >= 2) return undefined;
      const subs = await folders(p);
      const logs = subs.filter((f) => lastSeg(f) === 'AWSLogs');
      return all(logs.length ? logs : subs, logs.length ? depth : depth + 1);
    }
    const segs = p.slice(at + 'AWSLogs/'.length).split('/').filter(Boolean);
    const i = segs[0] && ORG_ID.test(segs[0]) ? 1 : 0;
    if (segs.length === i) {
      // AWSLogs/ (organization ids and accounts) or an organization (accounts).
      const subs = (await folders(p)).filter((f) => (i === 0 && ORG_ID.test(lastSeg(f))) || (ACCOUNT_ID.test(lastSeg(f)) && wanted(filter.accounts, lastSeg(f))));
      return (await all(subs, depth)) ?? [];
    }
    if (!ACCOUNT_ID.test(segs[i]!)) return undefined;
    if (segs.length === i + 1) return (await walk(`${p}CloudTrail/`, depth)) ?? [];
    if (segs[i + 1] !== 'CloudTrail') return undefined;
    if (segs.length === i + 2) return (await folders(p)).filter((f) => REGION.test(lastSeg(f)) && wanted(filter.regions, lastSeg(f)));
    if (segs.length === i + 3) return wanted(filter.regions, segs[i + 2]!) ? [p] : [];
    return undefined;
  };

  return walk(prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`, 0);
}
