/** Recording, refreshing from the lake, seeding from a snapshot, idempotency and finding resources. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { insertRecords } from '../lake/ingest.js';
import { saveSnapshot } from '../collect/store.js';
import { AmbiguousRefError, historyOf, ownerAnswer, ownerOf, recordChanges, refreshFromLake, seedFromSnapshot, bringUpToDate } from './index.js';
import { ACCOUNT, REGION, SG, event, sgStory, user } from './testing.js';

let store: Store;
beforeEach(async () => {
  store = await Store.open({ path: ':memory:' });
});
afterEach(() => store.close());

const dump = async () => ({
  changes: await store.all('SELECT * EXCLUDE (request), request::VARCHAR AS request FROM history_changes ORDER BY resource_key, event_id'),
  resources: await store.all('SELECT * EXCLUDE (state, seed_state), state::VARCHAR AS state FROM history_resources ORDER BY key'),
});

describe('a security group through the lake', () => {
  it('created, opened, revoked and deleted: the timeline, the state and the owner', async () => {
    await insertRecords(store, sgStory());
    expect(await refreshFromLake(store)).toBe(4);
    const h = (await historyOf(store, SG))!;
    expect(h.changes.map((c) => [c.action, c.eventName, c.principalArn?.split('/').pop(), c.tool])).toEqual([
      ['create', 'CreateSecurityGroup', 'alice', 'console'],
      ['modify', 'AuthorizeSecurityGroupIngress', 'bob', 'terraform'],
      ['modify', 'RevokeSecurityGroupIngress', 'bob', 'terraform'],
      ['delete', 'DeleteSecurityGroup', 'alice', 'aws-cli'],
    ]);
    // The SSH rule was revoked by its id: only the default egress rule is left.
    expect(h.resource.state.rules).toEqual([{ direction: 'egress', protocol: '-1', fromPort: null, toPort: null, source: '0.0.0.0/0' }]);
    expect(h.resource.deleted).toBe(true);
    expect(await ownerOf(store, SG)).toMatchObject({ principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, sourceIp: '203.0.113.10', tool: 'console', time: '2024-05-02T09:00:00Z' });
    // By ARN too.
    expect((await historyOf(store, `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${SG}`))?.resource.id).toBe(SG);
  });

  it('refreshes only what is new: nothing the second time, then just the appended events', async () => {
    const [create, ...rest] = sgStory();
    await insertRecords(store, [create!]);
    expect(await refreshFromLake(store)).toBe(1);
    expect(await refreshFromLake(store)).toBe(0);
    await insertRecords(store, rest);
    expect(await refreshFromLake(store)).toBe(3);
    expect((await historyOf(store, SG))!.changes).toHaveLength(4);
  });

  it('is idempotent: the same events twice, by either path and in any order, give the same history', async () => {
    const story = sgStory();
    await recordChanges(store, story);
    const once = await dump();
    expect(await recordChanges(store, story)).toBe(0);
    expect(await recordChanges(store, [...story].reverse())).toBe(0);
    await insertRecords(store, story);
    expect(await refreshFromLake(store)).toBe(0);
    expect(await dump()).toEqual(once);
  });

  it('events arriving out of order give the state of the ordered sequence', async () => {
    const story = sgStory();
    const other = await Store.open({ path: ':memory:' });
    try {
      for (const r of [...story].reverse()) await recordChanges(store, [r]);
      await recordChanges(other, story);
      expect((await historyOf(store, SG))!.resource.state).toEqual((await historyOf(other, SG))!.resource.state);
    } finally {
      other.close();
    }
  });
});

describe('what history keeps', () => {
  it('never the UserData or other request fields it does not pick', async () => {
    const secret = 'export DB_PASSWORD=hunter2';
    await recordChanges(store, [
      event('ec2.amazonaws.com', 'RunInstances', '2024-05-01T00:00:00Z', {
        requestParameters: { instancesSet: { items: [{ imageId: 'ami-1' }] }, userData: secret, instanceType: 't3.micro' },
        responseElements: { instancesSet: { items: [{ instanceId: 'i-0aaaaaaaaaaaaaaa1', imageId: 'ami-1', instanceType: 't3.micro', instanceState: { name: 'pending' } }] } },
      }),
      event('ec2.amazonaws.com', 'ModifyInstanceAttribute', '2024-05-01T00:05:00Z', { requestParameters: { instanceId: 'i-0aaaaaaaaaaaaaaa1', userData: { value: secret } } }),
    ]);
    expect(JSON.stringify(await dump())).not.toContain('hunter2');
    expect((await historyOf(store, 'i-0aaaaaaaaaaaaaaa1'))!.resource.state).toMatchObject({ instanceType: 't3.micro', attributes: { userData: '<changed>' } });
  });
});

describe('finding resources', () => {
  it('a short id naming several resources lists them; an ARN picks one', async () => {
    await recordChanges(store, [
      event('iam.amazonaws.com', 'CreateUser', '2024-05-01T00:00:00Z', { requestParameters: { userName: 'deploy' }, responseElements: { user: { userName: 'deploy', arn: `arn:aws:iam::${ACCOUNT}:user/deploy` } } }),
      event('iam.amazonaws.com', 'CreateUser', '2024-05-01T00:00:00Z', { recipientAccountId: '444455556666', userIdentity: user('admin', '444455556666'), requestParameters: { userName: 'deploy' }, responseElements: { user: { userName: 'deploy', arn: 'arn:aws:iam::444455556666:user/ci/deploy' } } }),
    ]);
    const err = await historyOf(store, 'deploy').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousRefError);
    expect((err as AmbiguousRefError).candidates.map((c) => c.account)).toEqual([ACCOUNT, '444455556666']);
    expect((await historyOf(store, 'arn:aws:iam::444455556666:user/ci/deploy'))!.resource.account).toBe('444455556666');
    // An ARN history never stored exactly (path-less here) still finds the user by name and account.
    expect((await historyOf(store, 'arn:aws:iam::111122223333:user/deploy'))!.resource.account).toBe(ACCOUNT);
    expect(await historyOf(store, 'nobody')).toBeUndefined();
  });
});

/** A one-account CloudMapper-layout snapshot holding these security groups (as DescribeSecurityGroups returns). */
function writeSnapshot(groups: unknown[], time: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-history-snap-'));
  const regionDir = join(dir, 'account-data', 'prod', REGION);
  mkdirSync(regionDir, { recursive: true });
  writeFileSync(join(regionDir, 'ec2-describe-security-groups.json'), JSON.stringify({ SecurityGroups: groups }));
  writeFileSync(
    join(dir, 'vigil-snapshot.json'),
    JSON.stringify({ id: `snap-${time}`, time, accounts: [{ id: ACCOUNT, name: 'prod', partition: 'aws', folder: 'account-data/prod', regions: [REGION] }] }),
  );
  return dir;
}

describe('seeding from a snapshot', () => {
  const legacy = {
    GroupId: 'sg-0legacy000000001',
    GroupName: 'legacy',
    Description: 'made long ago',
    VpcId: 'vpc-1',
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }], UserIdGroupPairs: [], Ipv6Ranges: [], PrefixListIds: [] }],
    IpPermissionsEgress: [],
  };
  const open22 = (time: string) =>
    event('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', time, {
      userIdentity: user('bob'),
      requestParameters: { groupId: legacy.GroupId, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
    });

  it('the snapshot is the state at its time; later events apply on top, earlier ones are already in it', async () => {
    await saveSnapshot(store, writeSnapshot([legacy], '2024-05-10T00:00:00Z'), { source: 'test' });
    await insertRecords(store, [open22('2024-05-09T00:00:00Z'), { ...open22('2024-05-11T00:00:00Z'), requestParameters: { groupId: legacy.GroupId, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } } }]);
    const r = await bringUpToDate(store);
    expect(r).toEqual({ seeded: 1, changes: 2 });
    const h = (await historyOf(store, legacy.GroupId))!;
    expect(h.resource.seedSnapshot).toBe('snap-2024-05-10T00:00:00Z');
    // 443 from the snapshot, 3389 from the later event; port 22 (before the snapshot, gone by then) is not re-added.
    expect(h.resource.state.rules.map((x: { fromPort: number }) => x.fromPort)).toEqual([443, 3389]);
    expect(h.changes).toHaveLength(2);
    // Seeded once: nothing to do the second time.
    expect(await bringUpToDate(store)).toEqual({ seeded: 0, changes: 0 });
  });

  it('owner: unknown when the creation is older than the lake, naming the snapshot it was first seen in', async () => {
    await insertRecords(store, sgStory());
    await saveSnapshot(store, writeSnapshot([legacy], '2024-05-10T00:00:00Z'), { source: 'test' });
    await bringUpToDate(store);
    const a = (await ownerAnswer(store, legacy.GroupId))!;
    expect(a.owner).toBeNull();
    expect(a.unknown).toBe("unknown: created before the lake's first event at 2024-05-02T09:00:00Z (first seen in snapshot snap-2024-05-10T00:00:00Z)");
  });

  it('an unknown snapshot id is a usage error; no snapshot at all seeds nothing', async () => {
    expect(await seedFromSnapshot(store)).toBe(0);
    await expect(seedFromSnapshot(store, 'nope')).rejects.toThrow(/no snapshot nope/);
  });
});
