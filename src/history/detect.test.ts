/** The history-aware detections: they fire on new principals and stay quiet on the controls. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { detectWithHistory, recordChanges } from './index.js';
import { ACCOUNT, event, pantherStory, recorded, roleSession, user } from './testing.js';
import type { TrailRecord } from './types.js';

let store: Store;
beforeEach(async () => {
  store = await Store.open({ path: ':memory:' });
});
afterEach(() => store.close());

const LAUNCH = 'history.instance-launched-by-new-principal';
const OPEN = 'history.sg-opened-by-principal-created-today';
const hoursAfter = (iso: string, h: number) => new Date(Date.parse(iso) + h * 3600_000).toISOString().replace(/\.000Z$/, 'Z');

describe('instance launched by a principal created in the last 24 hours', () => {
  const story = pantherStory;
  const launch = (recs: TrailRecord[]) => recs.find((r) => r.eventName === 'RunInstances')!;

  it('fires on the recorded story, in one batch', async () => {
    const alerts = await detectWithHistory(store, story());
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: { id: LAUNCH },
      severity: 'high',
      actor: 'arn:aws:iam::493859302102:user/tracy_stone',
      account: '493859302102',
      firstSeen: '2020-11-01T09:30:03Z',
      resources: ['arn:aws:ec2:us-east-1:493859302102:instance/i-05261ffb46217cdc3'],
      eventIds: ['panther-7'],
    });
    expect(alerts[0]!.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('fires when the creation is already in history and the launch comes in a later batch; same alert id', async () => {
    const recs = story();
    const first = await detectWithHistory(store, recs);
    await recordChanges(store, recs.filter((r) => r.eventName !== 'RunInstances'));
    const later = await detectWithHistory(store, [launch(recs)]);
    expect(later.map((a) => a.id)).toEqual(first.map((a) => a.id));
  });

  it('stays quiet when the user was created more than 24 hours before, or not seen created at all', async () => {
    const recs = story();
    const old = recs.map((r) => (r.eventName === 'CreateUser' ? { ...r, eventTime: '2020-10-30T09:00:00Z' } : r));
    expect(await detectWithHistory(store, old)).toEqual([]);
    expect(await detectWithHistory(store, [launch(recs)])).toEqual([]);
  });

  it('a role created and assumed within the day counts; a failed launch does not', async () => {
    const t = '2024-06-01T08:00:00Z';
    const create = event('iam.amazonaws.com', 'CreateRole', t, { userIdentity: user('admin'), requestParameters: { roleName: 'ci-runner' }, responseElements: { role: { roleName: 'ci-runner', arn: `arn:aws:iam::${ACCOUNT}:role/ci-runner` } } });
    const run = (fields: Record<string, unknown> = {}) =>
      event('ec2.amazonaws.com', 'RunInstances', hoursAfter(t, 23), {
        userIdentity: roleSession('ci-runner'),
        responseElements: { instancesSet: { items: [{ instanceId: 'i-0bbbbbbbbbbbbbbb2' }] } },
        ...fields,
      });
    await recordChanges(store, [create]);
    expect((await detectWithHistory(store, [run()])).map((a) => a.rule.id)).toEqual([LAUNCH]);
    expect(await detectWithHistory(store, [run({ errorCode: 'Client.UnauthorizedOperation', responseElements: null })])).toEqual([]);
    expect(await detectWithHistory(store, [run({ eventTime: hoursAfter(t, 25) })])).toEqual([]);
  });
});

describe('security group opened to the world by a principal created in the last 24 hours', () => {
  const t = '2024-06-01T08:00:00Z';
  const createUser = (name: string, time: string) =>
    event('iam.amazonaws.com', 'CreateUser', time, { userIdentity: user('admin'), requestParameters: { userName: name }, responseElements: { user: { userName: name } } });
  const authorize = (who: string, cidr: string, time = hoursAfter(t, 2)) =>
    event('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', time, {
      userIdentity: user(who),
      requestParameters: { groupId: 'sg-0ccccccccccccccc3', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: cidr }] } }] } },
    });

  it('fires for 0.0.0.0/0 by a user made two hours earlier', async () => {
    const alerts = await detectWithHistory(store, [createUser('newbie', t), authorize('newbie', '0.0.0.0/0')]);
    expect(alerts.map((a) => [a.rule.id, a.actor, a.dedupKey['requestParameters.groupId']])).toEqual([[OPEN, `arn:aws:iam::${ACCOUNT}:user/newbie`, 'sg-0ccccccccccccccc3']]);
    expect(alerts[0]!.resources).toEqual([`arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/sg-0ccccccccccccccc3`]);
  });

  it('stays quiet for a private range, an old user, and a user never seen created', async () => {
    expect(await detectWithHistory(store, [createUser('newbie', t), authorize('newbie', '10.0.0.0/8')])).toEqual([]);
    expect(await detectWithHistory(store, [createUser('veteran', '2024-05-01T00:00:00Z'), authorize('veteran', '0.0.0.0/0')])).toEqual([]);
    expect(await detectWithHistory(store, [authorize('stranger', '0.0.0.0/0')])).toEqual([]);
  });

  it('the recorded Stratus Red Team port-22 opening fires only once its user is known to be new', async () => {
    const open = recorded('open-port-22-ingress')[0]!;
    expect(await detectWithHistory(store, [open])).toEqual([]);
    const made = createUser('christophe', hoursAfter(open.eventTime as string, -1));
    const alerts = await detectWithHistory(store, [{ ...made, recipientAccountId: '032092706103', userIdentity: { ...user('admin', '032092706103') } }, open]);
    expect(alerts.map((a) => a.rule.id)).toEqual([OPEN]);
  });
});
