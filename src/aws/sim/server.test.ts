import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { loadService } from '../services.js';
import { toPlainJson } from '../shapes.js';
import { parseScenario } from './scenario.js';
import { startSimulatedAws, type SimulatedAws } from './server.js';

const ACCOUNT = '111111111111';
const OTHER = '222222222222';

describe('the simulated AWS, driven by the real SDK clients', () => {
  let sim: SimulatedAws;
  beforeAll(async () => {
    sim = await startSimulatedAws(
      parseScenario({
        pageSize: 2,
        roleNames: ['Audit'],
        externalId: 'ext',
        rateLimits: { sns: 3 },
        faults: [
          { call: 'sqs-list-queues', error: 'throttle' },
          { region: 'eu-west-1', call: 'kms-list-keys', error: 'denied' },
          { call: 'efs-describe-file-systems', error: 'timeout' },
        ],
        accounts: [
          {
            id: ACCOUNT,
            name: 'main',
            regions: ['us-east-1', 'eu-west-1'],
            disabledRegions: ['ap-east-1'],
            data: {
              global: {
                'iam-get-account-authorization-details': {
                  UserDetailList: [{ UserName: 'a', CreateDate: '2024-01-01T00:00:00Z' }, { UserName: 'b' }],
                  RoleDetailList: [{ RoleName: 'r' }],
                },
                's3-get-bucket-policy': { $params: { logs: { Policy: '{"Statement":[]}' } } },
                'route53-list-hosted-zones': { HostedZones: [{ Id: '/hostedzone/Z1', Name: 'example.com.', CallerReference: 'c' }] },
              },
              '*': {
                'ec2-describe-instances': { Reservations: [{ ReservationId: 'r-1', Instances: [{ InstanceId: 'i-1', LaunchTime: '2024-03-01T00:00:00Z' }] }, { ReservationId: 'r-2' }, { ReservationId: 'r-3' }] },
                'kms-list-keys': { Keys: [{ KeyId: 'k1' }, { KeyId: 'k2' }, { KeyId: 'k3' }] },
                'guardduty-list-detectors': { DetectorIds: ['d1'] },
              },
            },
          },
          { id: OTHER, name: 'other', regions: ['us-east-1'] },
        ],
      }),
    );
  });
  afterAll(() => sim.close());

  const send = async (service: string, op: string, input: Record<string, unknown> = {}, region = 'us-east-1', extra: Record<string, unknown> = {}) => {
    const mod = await loadService(service);
    const client = new mod.Client({ region, endpoint: sim.endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, forcePathStyle: true, maxAttempts: 1, ...extra });
    try {
      return toPlainJson(await client.send(new (mod.Command(op))(input))) as Record<string, unknown>;
    } finally {
      client.destroy();
    }
  };
  const failure = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.name);

  it('answers the EC2 query protocol with pages (NextToken)', async () => {
    const p1 = await send('ec2', 'DescribeInstances');
    expect(p1.Reservations).toEqual([{ ReservationId: 'r-1', Instances: [{ InstanceId: 'i-1', LaunchTime: '2024-03-01T00:00:00.000Z' }] }, { ReservationId: 'r-2' }]);
    const p2 = await send('ec2', 'DescribeInstances', { NextToken: p1.NextToken });
    expect(p2).toEqual({ Reservations: [{ ReservationId: 'r-3' }] });
  });

  it('pages IAM across its lists with Marker/IsTruncated, and KMS with NextMarker/Truncated', async () => {
    const p1 = await send('iam', 'GetAccountAuthorizationDetails');
    expect(p1).toMatchObject({ IsTruncated: true, UserDetailList: [{ UserName: 'a' }, { UserName: 'b' }] });
    const p2 = await send('iam', 'GetAccountAuthorizationDetails', { Marker: p1.Marker });
    expect(p2).toMatchObject({ IsTruncated: false, RoleDetailList: [{ RoleName: 'r' }] });
    const k1 = await send('kms', 'ListKeys');
    expect(k1).toMatchObject({ Truncated: true, Keys: [{ KeyId: 'k1' }, { KeyId: 'k2' }] });
    expect(await send('kms', 'ListKeys', { Marker: k1.NextMarker })).toMatchObject({ Truncated: false, Keys: [{ KeyId: 'k3' }] });
  });

  it('answers REST-XML (S3 payloads, Route53) and REST-JSON with JSON names (GuardDuty)', async () => {
    expect(await send('s3', 'GetBucketPolicy', { Bucket: 'logs' })).toEqual({ Policy: '{"Statement":[]}' });
    expect(await failure(send('s3', 'GetBucketPolicy', { Bucket: 'nope' }))).toBe('NoSuchEntity');
    expect(await send('route53', 'ListHostedZones')).toMatchObject({ HostedZones: [{ Id: '/hostedzone/Z1', Name: 'example.com.' }] });
    expect(await send('guardduty', 'ListDetectors')).toEqual({ DetectorIds: ['d1'] });
  });

  it('fails as AWS does: throttling, AccessDenied, opt-in regions, rate limits, timeouts', async () => {
    expect(await failure(send('sqs', 'ListQueues'))).toBe('ThrottlingException');
    expect(await failure(send('kms', 'ListKeys', {}, 'eu-west-1'))).toBe('AccessDeniedException');
    expect(await failure(send('ec2', 'DescribeVpcs', {}, 'ap-east-1'))).toBe('AuthFailure');
    const burst = await Promise.all(Array.from({ length: 8 }, () => failure(send('sns', 'ListTopics'))));
    expect(burst.filter((x) => x === 'no error')).toHaveLength(3);
    expect(burst.filter((x) => x === 'Throttling')).toHaveLength(5);
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    const handler = new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true });
    expect(await failure(send('efs', 'DescribeFileSystems', {}, 'us-east-1', { requestHandler: handler }))).toBe('TimeoutError');
  });

  it('lists regions with their opt-in status and hands out role sessions for member accounts', async () => {
    const regions = await send('ec2', 'DescribeRegions', { AllRegions: true });
    expect(regions.Regions).toEqual([
      { RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' },
      { RegionName: 'eu-west-1', Endpoint: 'ec2.eu-west-1.amazonaws.com', OptInStatus: 'opt-in-not-required' },
      { RegionName: 'ap-east-1', Endpoint: 'ec2.ap-east-1.amazonaws.com', OptInStatus: 'not-opted-in' },
    ]);
    expect(await failure(send('sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${OTHER}:role/Audit`, RoleSessionName: 's', ExternalId: 'wrong' }))).toBe('AccessDenied');
    expect(await failure(send('sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${OTHER}:role/Admin`, RoleSessionName: 's', ExternalId: 'ext' }))).toBe('AccessDenied');
    const session = (await send('sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${OTHER}:role/Audit`, RoleSessionName: 's', ExternalId: 'ext' })) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    };
    const sts = await loadService('sts');
    const client = new sts.Client({
      region: 'us-east-1',
      endpoint: sim.endpoint,
      credentials: { accessKeyId: session.Credentials.AccessKeyId, secretAccessKey: session.Credentials.SecretAccessKey, sessionToken: session.Credentials.SessionToken },
    });
    expect(((await client.send(new (sts.Command('GetCallerIdentity'))({}))) as { Account: string }).Account).toBe(OTHER);
    client.destroy();
    expect((await send('organizations', 'ListAccounts')).Accounts).toHaveLength(2);
  });

  it('rejects a scenario with a bad field, naming it', () => {
    expect(() => parseScenario({ accounts: [{ id: '12', name: 'x', regions: ['us-east-1'] }] }, 'bad.yaml')).toThrow(/bad.yaml: accounts.0.id: an account id is 12 digits/);
  });
});
