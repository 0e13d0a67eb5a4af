import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Store, type Row } from '../../store/store.js';
import '../schema.js';
import { insertRecords } from '../ingest.js';
import { installCompat } from '../compat.js';
import { scopeQuery } from '../../athena/scope.js';
import { UsageError, VigilError } from '../../util/errors.js';
import { listSavedQueries, parseSavedQuery, renderSavedQuery } from './index.js';
import { fixtureFiles, fixtureRecords, loadFixtureLake, type TrailRecord } from './fixtures/load.js';

let store: Store;
let records: TrailRecord[];
const ALL = { since: new Date('2000-01-01T00:00:00Z'), until: new Date('2030-01-01T00:00:00Z') };

/**
 * Records derived from real ones, for cases the recordings lack: each is a recorded record with the parts named
 * here replaced (and its own eventID).
 */
function derived(): TrailRecord[] {
  const files = fixtureFiles();
  const stratusLogin = files.get('stratus-red-team/aws.initial-access.console-login-without-mfa.json')![0]!;
  const td = files.get('traildiscover/traildiscover_cloudtrail_examples.subset.ndjson')!;
  const ssoIdentity = td.find((r) => r.eventName === 'GetSigninToken')!.userIdentity;
  const s3Call = td.find((r) => r.eventName === 'PutBucketVersioning')!;
  const succeeded = (r: TrailRecord, id: string): TrailRecord => {
    const { errorCode: _c, errorMessage: _m, ...rest } = r;
    return { ...rest, eventID: id };
  };
  return [
    // An IAM Identity Center console session (identity of a real AWSReservedSSO session): MFA happened at the IdP.
    { ...stratusLogin, userIdentity: ssoIdentity, eventID: 'derived-sso-console-login' },
    // CreateBucket (no recording holds one): a real S3 call with CreateBucket's name and parameters.
    {
      ...succeeded(s3Call, 'derived-create-bucket'),
      eventName: 'CreateBucket',
      requestParameters: { bucketName: 'exfil-drop', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' }, Host: 'exfil-drop.s3.amazonaws.com' },
    },
    { ...s3Call, eventName: 'CreateBucket', eventID: 'derived-create-bucket-denied', errorCode: 'AccessDenied' },
    // TrailDiscover's network and IAM calls were all refused; the same calls as if they had succeeded.
    ...td
      .filter((r) => r.errorCode && /^(CreateNetworkAclEntry|CreateRoute|AuthorizeSecurityGroup(In|E)gress|AuthorizeDBSecurityGroupIngress|CreateDBSecurityGroup|ApplySecurityGroupsToLoadBalancer|SetSecurityGroups|AddUserToGroup|PutUserPolicy|PutGroupPolicy|PutRolePolicy|AttachGroupPolicy)$/.test(r.eventName as string))
      .map((r) => succeeded(r, `derived-ok-${r.eventID as string}`)),
  ];
}

beforeAll(async () => {
  store = await Store.open({ path: ':memory:' });
  await loadFixtureLake(store);
  await insertRecords(store, derived(), 'derived');
  await installCompat(store);
  records = [...fixtureRecords(), ...derived()];
});
afterAll(() => store.close());

async function run(name: string, window = ALL): Promise<Row[]> {
  return store.all(renderSavedQuery(name, window));
}
const ids = (rows: Row[]) => rows.map((r) => r.eventid as string).sort();
const panther = (story: 'attacker' | 'victim', ...n: number[]) => n.map((i) => `panther-${story}-${i}`);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const okIdsOf = (name: RegExp) => records.filter((r) => String(r.eventID).startsWith('derived-ok-') && name.test(r.eventName as string)).map((r) => r.eventID as string);

describe('saved queries', () => {
  it('are listed with names, descriptions and parameters, one file each', () => {
    const qs = listSavedQueries();
    expect(qs.map((q) => q.name).sort()).toEqual(
      [
        'access-keys-created',
        'console-logins',
        'console-logins-without-mfa',
        'failed-console-logins',
        'iam-changes',
        'logging-tampering',
        'network-changes',
        'new-buckets',
        'root-activity',
        'top-principals',
        'unauthorized-calls',
      ].sort(),
    );
    for (const q of qs) {
      expect(q.description.length).toBeGreaterThan(20);
      expect(q.parameters).toEqual(['since', 'until']);
      expect(q.file.endsWith(`${q.name}.sql`)).toBe(true);
    }
  });

  it('render the window as ISO-8601 seconds, and an unknown name lists the known ones', () => {
    const sql = renderSavedQuery('root-activity', { since: new Date('2024-03-01T00:00:00.123Z'), until: new Date('2024-03-02T10:00:00Z') });
    expect(sql).toContain("eventtime >= '2024-03-01T00:00:00Z' AND eventtime <= '2024-03-02T10:00:00Z'");
    expect(sql).not.toContain('{{');
    expect(() => renderSavedQuery('nope', ALL)).toThrow(UsageError);
    expect(() => renderSavedQuery('nope', ALL)).toThrow(/unknown saved query "nope"; saved queries: access-keys-created, console-logins/);
  });

  it('reject files without a header or with undeclared placeholders', () => {
    expect(() => parseSavedQuery('SELECT 1', 'x.sql')).toThrow(VigilError);
    expect(() => parseSavedQuery('-- name: x\n-- description: d\nSELECT {{since}}', 'x.sql')).toThrow(/not listed/);
    expect(() => parseSavedQuery('-- name: x\n-- description: d\n-- parameters: since\nSELECT {{when}}', 'x.sql')).toThrow(/unknown placeholder/);
  });

  it('root-activity: the root user, never what a service did for it', async () => {
    const rows = await run('root-activity');
    expect(ids(rows)).toEqual([...panther('victim', 1, 2, 3, 4), ...panther('attacker', ...range(1, 11))].sort());
    // The story's last event is the attacker's new IAM user launching instances: not root.
    expect(ids(rows)).not.toContain('panther-attacker-12');
  });

  it('console-logins: every sign-in, with its outcome and MFA', async () => {
    const rows = await run('console-logins');
    expect(ids(rows)).toEqual(
      [...panther('victim', 1, 3, 4), ...panther('attacker', 1, 2, 3, 4), '865d9377-9c6b-4fd7-8aad-725e95f6a140', 'derived-sso-console-login'].sort(),
    );
    expect(rows.filter((r) => r.outcome === 'Failure').map((r) => r.eventid)).toEqual(panther('attacker', 1, 2, 3));
    expect(rows.every((r) => r.mfa_used === 'No')).toBe(true);
  });

  it('console-logins-without-mfa: IAM users and root; SSO sessions and failures are not counted', async () => {
    const rows = await run('console-logins-without-mfa');
    expect(ids(rows)).toEqual([...panther('victim', 1, 3, 4), ...panther('attacker', 4), '865d9377-9c6b-4fd7-8aad-725e95f6a140'].sort());
    expect(ids(rows)).not.toContain('derived-sso-console-login');
  });

  it('failed-console-logins: the password guessing before the root takeover', async () => {
    const rows = await run('failed-console-logins');
    expect(ids(rows)).toEqual(panther('attacker', 1, 2, 3));
    expect(new Set(rows.map((r) => r.sourceipaddress))).toEqual(new Set(['92.55.146.245']));
  });

  it('unauthorized-calls: AccessDenied* and *UnauthorizedOperation per principal, roles by role', async () => {
    const rows = await run('unauthorized-calls');
    const want = new Map<string, number>();
    for (const r of records) {
      const code = (r.errorCode as string | undefined) ?? '';
      if (!/^AccessDenied/.test(code) && !/UnauthorizedOperation$/.test(code)) continue;
      const ui = r.userIdentity as { arn?: string; sessionContext?: { sessionIssuer?: { arn?: string } } };
      const who = ui.sessionContext?.sessionIssuer?.arn ?? ui.arn!;
      want.set(who, (want.get(who) ?? 0) + 1);
    }
    expect(Object.fromEntries(rows.map((r) => [r.principal, r.calls]))).toEqual(Object.fromEntries(want));
    // The recordings hold both spellings: IAM's AccessDenied and EC2's Client.UnauthorizedOperation.
    expect(records.some((r) => r.errorCode === 'Client.UnauthorizedOperation')).toBe(true);
    expect(rows[0]).toMatchObject({ principal: 'arn:aws:iam::111111111111:user/TrailDiscover', identity_types: 'IAMUser', source_ips: 1 });
    expect(rows.map((r) => r.principal)).toContain('arn:aws:iam::307578594326:role/stratus-red-team-leave-org-role');
    // NoSuchBucket, NotFound ... are not authorization failures.
    expect(rows.reduce((s, r) => s + (r.calls as number), 0)).toBeLessThan(records.filter((r) => r.errorCode).length);
  });

  it('logging-tampering: CloudTrail, GuardDuty, Config, flow logs, DNS logs, leaving the org (attempts included)', async () => {
    const rows = await run('logging-tampering');
    expect(ids(rows)).toEqual(
      [
        // Stratus Red Team detonations
        'ee73c230-44bc-4492-8542-cfb189eae287', // DeleteTrail
        'c2a89408-340a-42f0-8ace-75d9f5769393', // PutEventSelectors (management events off)
        '10163ed2-2253-469d-a5ee-cbc6651f8934', // StopLogging
        'ba4609ca-b420-4cb6-bdff-307729b3b7db', // DeleteResolverQueryLogConfig
        'ded2f5af-f3a5-46d2-a170-a23206a32c36', // DeleteFlowLogs
        '16903cbd-fdff-4818-82f2-d66ad09aaf57', // LeaveOrganization (denied)
        // TrailDiscover (all refused)
        '11e88ec8-9e68-4d1f-84c1-e69babd4a493', // LeaveOrganization
        'de53d94e-f8b3-4111-b2d2-4f1c2f77a2b1', // StopLogging
        '8c76d32c-4419-48f7-bf99-21a7feddfeea', // UpdateTrail
        '03383b06-8e2e-4272-a022-5871c25e46f9', // DeleteTrail
        'd6135b67-b4ea-4142-928c-77d83c95e320', // DeleteFlowLogs
        '471bf9d1-494d-407b-8655-615d248be156', // GuardDuty DeleteDetector
        'd5745447-83f9-4333-a641-b1313c89cf7f', // GuardDuty DeletePublishingDestination
        '70e9c4b2-d2a0-4aba-a051-43fbae04aff9', // GuardDuty DisassociateMembers
        '4f63b8af-948d-4963-a4f3-53044e6e1827', // GuardDuty DisassociateFromMasterAccount
        'd1efd961-0591-4c8d-b63e-e49540788b44', // GuardDuty StopMonitoringMembers
        '4aaf5b5d-9a18-4efa-afe7-2d0bdd50f21b', // GuardDuty DeleteMembers
        '1dd1b985-6ead-465e-8dd1-0cb119f44bbf', // Config DeleteConfigurationRecorder
        'c9d35396-bfc6-4171-8c15-415b2c6452a1', // Config DeleteDeliveryChannel
        'f59ee926-fe5d-444b-b8c2-dd6241823ec4', // Config StopConfigurationRecorder
        '86e5129e-9c18-400d-bc01-33bbaff4eb5a', // Config DeleteConfigRule
        'panther-attacker-5', // the root attacker's StopLogging
      ].sort(),
    );
    // TrailDiscover's UpdateDetector sets enable=true: an update, not a disable.
    expect(ids(rows)).not.toContain('0c8ebbec-bc39-4e01-8ef5-720e75664a54');
    expect(rows.find((r) => r.eventid === 'panther-attacker-5')).toMatchObject({ errorcode: 'NotOrganizationMasterAccountException', principal: 'arn:aws:iam::493859302102:root' });
  });

  it('access-keys-created: successful CreateAccessKey only, with the key and its user', async () => {
    const rows = await run('access-keys-created');
    expect(ids(rows)).toEqual([...panther('attacker', 6, 11), 'c64c4ded-ef03-4e5c-81eb-153b118d72f2', '94faedcc-0fa4-46e6-9322-022e8e934f04'].sort());
    expect(ids(rows)).not.toContain('ce03d9c3-6fba-409d-873c-770a6ead0dd5'); // TrailDiscover's, refused
    expect(rows.find((r) => r.eventid === '94faedcc-0fa4-46e6-9322-022e8e934f04')).toMatchObject({
      created_by: 'arn:aws:iam::229654561268:user/christophe',
      for_user: 'malicious-iam-user',
      access_key_id: 'AKIAXAFZN8JEPF6L682H',
    });
  });

  it("iam-changes: the issue's events and the CIS policy changes, IAM only, successful only", async () => {
    const rows = await run('iam-changes');
    const recorded = [
      ...panther('attacker', 6, 7, 8, 9, 10, 11),
      'c64c4ded-ef03-4e5c-81eb-153b118d72f2', // CreateAccessKey (backdoor user)
      '62e290e2-ee95-4a7c-a9f8-db4ef462b12d', // UpdateAssumeRolePolicy (backdoor role)
      '083dc4ad-e264-46bc-a407-d0dd31b58bdc', // AttachUserPolicy AdministratorAccess
      '3346344c-5a3e-429e-8405-420f98f75d6e', // CreateUser
      '94faedcc-0fa4-46e6-9322-022e8e934f04', // CreateAccessKey
      '39480357-0a1d-4531-a3f2-71be4c041c25', // AttachRolePolicy
      'd2905ac3-9898-433f-b10d-9302abe4e208', // CreateRole
      'd3906a7d-604b-407f-acb6-fc425742821e', // CreateLoginProfile
      'a46a1a42-9ef1-48d4-9c61-507eb6d4019f', // UpdateLoginProfile
    ];
    const derivedOk = okIdsOf(/^(AddUserToGroup|Put(User|Group|Role)Policy|AttachGroupPolicy)$/);
    expect(derivedOk).toHaveLength(5);
    expect(ids(rows)).toEqual([...recorded, ...derivedOk].sort());
    // IAM Identity Center's CreateUser (sso-directory) is not an IAM user.
    expect(ids(rows)).not.toContain('8d1d432b-6647-431b-88a7-2da2c2042516');
    expect(rows.find((r) => r.eventid === '083dc4ad-e264-46bc-a407-d0dd31b58bdc')).toMatchObject({ target: 'malicious-iam-user', policy: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  });

  it("network-changes: the issue's events (EC2, ELB, RDS), successful only, flagging rules open to the world", async () => {
    const rows = await run('network-changes');
    const derivedOk = okIdsOf(/^(CreateNetworkAclEntry|CreateRoute|AuthorizeSecurityGroup(In|E)gress|AuthorizeDBSecurityGroupIngress|CreateDBSecurityGroup)$/);
    const names = new Set(derivedOk.map((id) => records.find((r) => r.eventID === id)!.eventName));
    for (const n of ['CreateNetworkAclEntry', 'CreateRoute', 'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'AuthorizeDBSecurityGroupIngress', 'CreateDBSecurityGroup']) expect(names).toContain(n);
    expect(ids(rows)).toEqual(['9fd68588-ecbf-4528-a345-199fa6bb0821', ...derivedOk].sort());
    // The refused originals are not changes.
    for (const id of derivedOk) expect(ids(rows)).not.toContain(id.replace('derived-ok-', ''));
    expect(rows.find((r) => r.eventid === '9fd68588-ecbf-4528-a345-199fa6bb0821')).toMatchObject({ eventname: 'AuthorizeSecurityGroupIngress', target: 'sg-003dc7f1f1c686164' });
    const openRules = records.filter((r) => derivedOk.includes(r.eventID as string) && /0\.0\.0\.0\/0|::\/0/.test(JSON.stringify(r.requestParameters)));
    expect(rows.filter((r) => r.world_open).map((r) => r.eventid).sort()).toEqual(openRules.map((r) => r.eventID).sort());
  });

  it('new-buckets: successful CreateBucket with its name and region', async () => {
    const rows = await run('new-buckets');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventid: 'derived-create-bucket', bucket: 'exfil-drop', bucket_region: 'eu-west-1', account: '111111111111' });
  });

  it('top-principals: the most active principals with their counts', async () => {
    const rows = await run('top-principals');
    expect(rows).toHaveLength(25);
    const count = new Map<string, number>();
    for (const r of records) {
      const ui = r.userIdentity as { arn?: string; invokedBy?: string; principalId?: string; type?: string; sessionContext?: { sessionIssuer?: { arn?: string } } };
      const who = ui.sessionContext?.sessionIssuer?.arn ?? ui.arn ?? ui.invokedBy ?? ui.principalId ?? ui.type!;
      count.set(who, (count.get(who) ?? 0) + 1);
    }
    const top = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 25);
    expect(rows.map((r) => [r.principal, r.events])).toEqual(top);
    expect(rows[0]).toMatchObject({ principal: 'arn:aws:iam::111111111111:user/TrailDiscover', identity_types: 'IAMUser' });
    // A user and the federated sessions it issued (GetFederationToken) are one principal.
    expect(rows.find((r) => r.principal === 'arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user')).toMatchObject({
      events: 2,
      identity_types: 'FederatedUser,IAMUser',
    });
  });

  it('keep to the time window, both ends included', async () => {
    const rows = await run('console-logins', { since: new Date('2020-10-20T00:00:00Z'), until: new Date('2020-10-31T10:32:00Z') });
    expect(ids(rows)).toEqual([...panther('victim', 1), ...panther('attacker', 1, 2)].sort());
  });

  it('give the same rows through the dialect layer the CLI and Athena use (scope CTE)', async () => {
    const window = { since: new Date('2020-10-01T00:00:00Z'), until: new Date('2024-08-02T00:00:00Z') };
    for (const q of listSavedQueries()) {
      const direct = await run(q.name, window);
      const scoped = await store.all(scopeQuery(renderSavedQuery(q.name, window), window, 'main.cloudtrail_logs'));
      expect(scoped, q.name).toEqual(direct);
    }
  });
});
