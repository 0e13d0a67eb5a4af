import { describe, expect, it } from 'vitest';
import {
  ADMIN_HEAVY_USER,
  ADMIN_ROLE,
  ADMIN_SINGLE_CALL,
  ADMIN_SINGLE_USER,
  ATTACKER_IP,
  BACKUP_SERVER_IP,
  BACKUP_USER,
  EXFIL_BUCKET,
  EXFIL_OBJECTS,
  INTRUSION_ACCESS_KEY_ID,
  INTRUSION_USER,
  LEAKED_ACCESS_KEY_ID,
  OPENED_SECURITY_GROUP,
  PEOPLE,
  STOPPED_TRAIL,
  generateOrg,
  generateOrgDay,
  type TrailRecord,
} from './org.js';
import { UsageError } from '../util/errors.js';

const DEMO = { seed: 7, start: '2026-03-02', days: 7, eventsPerDay: 1500, intrusion: true, sharedAdminRole: true };
const demo = [...generateOrg(DEMO)];

const time = (r: TrailRecord) => Date.parse(r.eventTime!);
const params = (r: TrailRecord) => (r.requestParameters ?? {}) as Record<string, unknown>;

describe('generateOrg', () => {
  it('is deterministic: the same seed gives the same records, another seed others', () => {
    const again = [...generateOrg(DEMO)];
    expect(JSON.stringify(again)).toBe(JSON.stringify(demo));
    const other = [...generateOrg({ ...DEMO, seed: 8 })];
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(demo));
  });

  it('yields records in time order, inside the period, with unique event ids', () => {
    const start = Date.parse('2026-03-02T00:00:00Z');
    for (let i = 1; i < demo.length; i++) expect(time(demo[i]!)).toBeGreaterThanOrEqual(time(demo[i - 1]!));
    expect(time(demo[0]!)).toBeGreaterThanOrEqual(start);
    expect(time(demo.at(-1)!)).toBeLessThan(start + 7 * 86_400_000);
    expect(new Set(demo.map((r) => r.eventID)).size).toBe(demo.length);
    // ordinary budget per day plus the stories
    expect(demo.length).toBeGreaterThan(7 * 1500);
  });

  it('generates each day independently (generateOrgDay equals the same day of generateOrg)', () => {
    const day3 = generateOrgDay(DEMO, 3);
    const from = Date.parse('2026-03-05T00:00:00Z');
    const slice = demo.filter((r) => time(r) >= from && time(r) < from + 86_400_000);
    expect(JSON.stringify(day3)).toBe(JSON.stringify(slice));
  });

  it('shapes records as CloudTrail does', () => {
    const bad: string[] = [];
    const check = (r: TrailRecord, ok: boolean, what: string) => ok || bad.push(`${r.eventID} ${r.eventName}: ${what}`);
    for (const r of demo) {
      check(r, /^1\.(08|09|10)$/.test(r.eventVersion ?? ''), 'eventVersion');
      check(r, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(r.eventTime ?? ''), 'eventTime');
      check(r, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(r.eventID ?? ''), 'eventID');
      check(r, /\.amazonaws\.com$/.test(r.eventSource ?? ''), 'eventSource');
      check(r, typeof r.eventName === 'string' && /^[A-Z]/.test(r.eventName), 'eventName');
      check(r, /^[a-z]{2}-[a-z]+-\d$/.test(r.awsRegion ?? ''), 'awsRegion');
      check(r, typeof r.sourceIPAddress === 'string' && typeof r.userAgent === 'string', 'sourceIPAddress/userAgent');
      // AWS's own service events carry neither an identity type nor a request id.
      const serviceEvent = r.eventType === 'AwsServiceEvent';
      check(r, serviceEvent ? !!r.userIdentity?.invokedBy && !!r.serviceEventDetails : typeof r.userIdentity?.type === 'string', 'userIdentity.type');
      check(r, 'requestParameters' in r && 'responseElements' in r, 'requestParameters/responseElements keys');
      check(r, (serviceEvent || typeof r.requestID === 'string') && typeof r.readOnly === 'boolean' && typeof r.managementEvent === 'boolean', 'requestID/readOnly/managementEvent');
      check(r, /^\d{12}$/.test(r.recipientAccountId ?? ''), 'recipientAccountId');
      check(r, ['AwsApiCall', 'AwsConsoleSignIn', 'AwsServiceEvent'].includes(r.eventType ?? ''), 'eventType');
      check(r, r.eventCategory === (r.managementEvent ? 'Management' : 'Data'), 'eventCategory');
      if (r.eventCategory === 'Data')
        check(r, r.eventSource === 's3.amazonaws.com' && !!r.resources?.some((x) => x.type === 'AWS::S3::Object' || x.type === 'AWS::S3::Bucket'), 'data event resources');
      if (r.eventName === 'ConsoleLogin') check(r, ['Yes', 'No'].includes(String(r.additionalEventData?.MFAUsed)), 'MFAUsed');
      if (r.tlsDetails) check(r, /amazon(aws)?\.com$/.test(r.tlsDetails.clientProvidedHostHeader), 'tlsDetails host');
      if (r.userIdentity?.type === 'AssumedRole') check(r, /^ASIA[A-Z2-7]{16}$/.test(r.userIdentity.accessKeyId ?? ''), 'session key');
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('has the variety of real trails: service callers, nulls, data events, SSO, endpoints, benign refusals', () => {
    const ips = new Set(demo.map((r) => r.sourceIPAddress));
    for (const ip of ['AWS Internal', 'config.amazonaws.com', 'ec2.amazonaws.com', 'lambda.amazonaws.com', 'cloudtrail.amazonaws.com']) expect(ips).toContain(ip);
    expect(demo.some((r) => r.userIdentity?.invokedBy === 'config.amazonaws.com')).toBe(true);
    expect(demo.some((r) => r.userIdentity?.type === 'AWSService')).toBe(true);
    expect(demo.some((r) => r.eventType === 'AwsServiceEvent' && r.userIdentity?.type === undefined && !('requestID' in r))).toBe(true);
    expect(demo.filter((r) => r.requestParameters === null).length).toBeGreaterThan(100);
    expect(demo.filter((r) => r.responseElements === null).length).toBeGreaterThan(demo.length / 2);
    expect(demo.filter((r) => r.eventCategory === 'Data').length).toBeGreaterThan(demo.length / 10);
    expect(demo.some((r) => r.vpcEndpointId?.startsWith('vpce-'))).toBe(true);
    expect(demo.some((r) => r.sharedEventID)).toBe(true);
    expect(demo.some((r) => r.tlsDetails === undefined)).toBe(true);
    expect(demo.some((r) => r.userIdentity?.sessionContext?.sessionIssuer?.userName?.startsWith('AWSReservedSSO_'))).toBe(true);
    expect(demo.some((r) => r.eventName === 'AssumeRoleWithSAML' && r.userIdentity?.type === 'SAMLUser')).toBe(true);
    expect(demo.some((r) => r.eventName === 'AssumeRoleWithWebIdentity' && r.userIdentity?.type === 'WebIdentityUser')).toBe(true);
    // role chaining: a role session assuming another role
    expect(demo.some((r) => r.eventName === 'AssumeRole' && r.userIdentity?.type === 'AssumedRole')).toBe(true);
    const logins = demo.filter((r) => r.eventName === 'ConsoleLogin' && r.sourceIPAddress !== ATTACKER_IP);
    // IAM users sign in with MFA; federated (SSO) sign-ins report MFAUsed No, as AWS writes them.
    for (const l of logins) expect(l.additionalEventData?.MFAUsed).toBe(l.userIdentity?.type === 'IAMUser' ? 'Yes' : 'No');
    const benignDenied = demo.filter((r) => /AccessDenied|UnauthorizedOperation/.test(r.errorCode ?? '') && r.sourceIPAddress !== ATTACKER_IP);
    expect(benignDenied.length).toBeGreaterThan(3);
    expect(new Set(demo.map((r) => r.eventName)).size).toBeGreaterThan(60);
    const people = new Set(demo.map((r) => r.userIdentity?.userName ?? r.userIdentity?.arn?.split('/').pop()));
    for (const p of PEOPLE) expect([...people].some((n) => n === p || n === `${p}@acme.example` || n?.startsWith(p))).toBe(true);
  });

  it('links every role session to the AssumeRole that issued its key (what the access review follows)', () => {
    const issued = new Map<string, { arn: string; at: number }>();
    for (const r of demo) {
      const resp = r.responseElements as { credentials?: { accessKeyId: string }; assumedRoleUser?: { arn: string } } | null;
      if (r.eventName?.startsWith('AssumeRole') && resp?.credentials) issued.set(resp.credentials.accessKeyId, { arn: resp.assumedRoleUser!.arn, at: time(r) });
    }
    expect(issued.size).toBeGreaterThan(100);
    let linked = 0;
    for (const r of demo) {
      const id = r.userIdentity!;
      if (id.type !== 'AssumedRole') continue;
      if (id.invokedBy === 'config.amazonaws.com') continue; // service-linked role: AWS assumes it internally
      const from = issued.get(id.accessKeyId!);
      expect(from, `${r.eventName} by ${id.arn} with ${id.accessKeyId}`).toBeDefined();
      expect(from!.arn).toBe(id.arn);
      expect(time(r)).toBeGreaterThanOrEqual(from!.at);
      linked++;
    }
    expect(linked).toBeGreaterThan(1000);
  });

  it('records a cross-account AssumeRole in both accounts, linked by sharedEventID', () => {
    const cross = demo.filter((r) => r.eventName === 'AssumeRole' && r.sharedEventID && r.userIdentity?.type === 'AWSAccount');
    expect(cross.length).toBeGreaterThan(0);
    for (const owner of cross) {
      const caller = demo.find((r) => r !== owner && r.sharedEventID === owner.sharedEventID)!;
      expect(['IAMUser', 'AssumedRole']).toContain(caller.userIdentity?.type);
      expect(caller.recipientAccountId).toBe(caller.userIdentity?.accountId);
      expect(owner.recipientAccountId).not.toBe(caller.recipientAccountId);
      expect(owner.userIdentity?.accountId).toBe(caller.userIdentity?.accountId);
      expect(owner.responseElements).toEqual(caller.responseElements);
    }
  });

  it('plants the intrusion: leaked key from a new IP, recon with AccessDenied, admin user, StopLogging, exfiltration', () => {
    const attacker = demo.filter((r) => r.sourceIPAddress === ATTACKER_IP);
    const first = Math.min(...attacker.map(time));
    // a new IP: never seen before the intrusion; the leaked key was in normal use from the backup server
    expect(demo.filter((r) => time(r) < first && JSON.stringify(r).includes(ATTACKER_IP))).toHaveLength(0);
    const leakedBefore = demo.filter((r) => time(r) < first && r.userIdentity?.accessKeyId === LEAKED_ACCESS_KEY_ID);
    expect(leakedBefore.length).toBeGreaterThan(10);
    expect(new Set(leakedBefore.map((r) => r.sourceIPAddress))).toEqual(new Set([BACKUP_SERVER_IP]));
    expect(attacker.some((r) => r.userIdentity?.accessKeyId === LEAKED_ACCESS_KEY_ID && r.userIdentity.userName === BACKUP_USER)).toBe(true);

    const denied = attacker.filter((r) => /AccessDenied|UnauthorizedOperation/.test(r.errorCode ?? ''));
    expect(denied.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...denied.map(time)) - Math.min(...denied.map(time))).toBeLessThan(10 * 60_000);

    const one = (name: string) => {
      const found = attacker.filter((r) => r.eventName === name && !r.errorCode);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    for (const name of ['CreateUser', 'CreateLoginProfile', 'CreateAccessKey', 'AttachUserPolicy']) {
      expect(params(one(name)).userName).toBe(INTRUSION_USER);
      expect(one(name).userIdentity?.accessKeyId).toBe(LEAKED_ACCESS_KEY_ID);
    }
    expect(params(one('AttachUserPolicy')).policyArn).toBe('arn:aws:iam::aws:policy/AdministratorAccess');
    expect(JSON.stringify(one('CreateAccessKey').responseElements)).toContain(INTRUSION_ACCESS_KEY_ID);
    expect(time(one('CreateUser'))).toBeLessThan(time(one('AttachUserPolicy')));

    const stop = one('StopLogging');
    expect(String(params(stop).name)).toContain(STOPPED_TRAIL);
    expect(stop.userIdentity?.userName).toBe(INTRUSION_USER);
    expect(stop.userIdentity?.accessKeyId).toBe(INTRUSION_ACCESS_KEY_ID);
    const sg = one('AuthorizeSecurityGroupIngress');
    expect(params(sg)).toMatchObject({ groupId: OPENED_SECURITY_GROUP, cidrIp: '0.0.0.0/0', fromPort: 22 });
    const policy = one('PutBucketPolicy');
    expect(params(policy).bucketName).toBe(EXFIL_BUCKET);
    expect(JSON.stringify(params(policy).bucketPolicy)).toContain('"Principal":"*"');
    const gets = attacker.filter((r) => r.eventName === 'GetObject');
    expect(gets).toHaveLength(EXFIL_OBJECTS);
    for (const g of gets) expect(g).toMatchObject({ eventCategory: 'Data', managementEvent: false, requestParameters: { bucketName: EXFIL_BUCKET } });
    expect(one('ConsoleLogin').additionalEventData?.MFAUsed).toBe('No');
    expect(attacker.every((r) => r.userAgent!.includes('kali') || r.eventName === 'ConsoleLogin')).toBe(true);
  });

  it('plants nothing when the stories are off', () => {
    const plain = [...generateOrg({ ...DEMO, days: 5, intrusion: false, sharedAdminRole: false })];
    expect(plain.some((r) => JSON.stringify(r).includes(ATTACKER_IP))).toBe(false);
    expect(plain.some((r) => r.eventName === 'CreateUser')).toBe(false);
    expect(plain.some((r) => JSON.stringify(r.requestParameters ?? {}).includes(`:role/${ADMIN_ROLE}"`))).toBe(false);
  });

  it('shares the admin role: alice makes many calls as admin, bob exactly one', () => {
    const sessions = new Map<string, string>();
    for (const r of demo) {
      const p = params(r);
      if (r.eventName === 'AssumeRole' && String(p.roleArn).endsWith(`:role/${ADMIN_ROLE}`) && r.userIdentity?.type === 'IAMUser')
        sessions.set((r.responseElements as { credentials: { accessKeyId: string } }).credentials.accessKeyId, r.userIdentity.userName!);
    }
    // session names do not say who: only the key links a session to its person
    const calls = (who: string) => demo.filter((r) => sessions.get(r.userIdentity?.accessKeyId ?? '') === who && r.userIdentity?.type === 'AssumedRole');
    expect(calls(ADMIN_HEAVY_USER).length).toBeGreaterThan(100);
    const bob = calls(ADMIN_SINGLE_USER);
    expect(bob).toHaveLength(1);
    expect(bob[0]).toMatchObject({ eventSource: ADMIN_SINGLE_CALL.eventSource, eventName: ADMIN_SINGLE_CALL.eventName });
    expect(bob[0]!.userIdentity?.arn).toMatch(new RegExp(`assumed-role/${ADMIN_ROLE}/botocore-session-`));
  });

  it('plays the stories in a one-account, one-region, one-day organisation too', () => {
    const tiny = [...generateOrg({ start: '2026-03-07', days: 1, eventsPerDay: 200, accounts: [{ id: '999988887777', name: 'solo' }], regions: ['eu-central-1'], intrusion: true, sharedAdminRole: true })];
    expect(new Set(tiny.map((r) => r.recipientAccountId))).toEqual(new Set(['999988887777']));
    expect(tiny.filter((r) => r.sourceIPAddress === ATTACKER_IP && r.eventName === 'AttachUserPolicy')).toHaveLength(1);
    expect(tiny.filter((r) => r.eventName === 'AssumeRole' && params(r).roleArn === `arn:aws:iam::999988887777:role/${ADMIN_ROLE}`).length).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad options with a one-line error', () => {
    expect(() => [...generateOrg({ start: '2026-3-2', days: 1 })]).toThrow(UsageError);
    expect(() => [...generateOrg({ start: '2026-03-02', days: 0 })]).toThrow(/days/);
    expect(() => [...generateOrg({ start: '2026-03-02', days: 1, accounts: [{ id: '12', name: 'x' }] })]).toThrow(/accounts/);
  });
});
