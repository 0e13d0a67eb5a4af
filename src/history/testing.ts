/** Test support: the recorded events (fixtures/recorded.json, see its README) and hand-made ones shaped like them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TrailRecord } from './types.js';

const FILE = fileURLToPath(new URL('./fixtures/recorded.json', import.meta.url));

/** Every recorded event, or those from source files whose name contains `from`. */
export function recorded(from?: string): TrailRecord[] {
  const all = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, TrailRecord[]>;
  return Object.entries(all)
    .filter(([file]) => !from || file.includes(from))
    .flatMap(([, recs]) => recs);
}

/**
 * Panther's compromised-root story: root makes tracy_stone in the console, who launches a p2.8xlarge 55 minutes
 * later. Its hand-written events all have eventID "1" (the lake would keep one of them): numbered here.
 */
export function pantherStory(): TrailRecord[] {
  return recorded('compromised-root').map((r, i) => ({ ...r, eventID: `panther-${i}` }) as TrailRecord);
}

/** The recorded event with this eventName (and source-file fragment), failing loudly when absent. */
export function recordedEvent(eventName: string, from?: string, ok = true): TrailRecord {
  const hit = recorded(from).find((r) => r.eventName === eventName && !!r.errorCode !== ok);
  if (!hit) throw new Error(`no recorded ${ok ? 'successful' : 'failed'} ${eventName}${from ? ` in ${from}` : ''}`);
  return hit;
}


export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const SG = 'sg-0a1b2c3d4e5f60718';

export const UA = {
  console: 'console.ec2.amazonaws.com',
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8 api/ec2#1.150.0',
  cli: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.delete-security-group',
  boto3: 'Boto3/1.34.2 md/Botocore#1.34.2 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.6 cfg/retry-mode#legacy Botocore/1.34.2',
};

let seq = 0;

/** An IAM user's identity. */
export const user = (name: string, account = ACCOUNT) => ({
  type: 'IAMUser',
  principalId: `AIDA${name.toUpperCase().padEnd(16, 'X')}`,
  arn: `arn:aws:iam::${account}:user/${name}`,
  accountId: account,
  accessKeyId: `AKIA${name.toUpperCase().padEnd(16, 'K')}`,
  userName: name,
});

/** A role session's identity. */
export const roleSession = (role: string, session = 'session', account = ACCOUNT) => ({
  type: 'AssumedRole',
  principalId: `AROA${role.toUpperCase()}:${session}`,
  arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
  accountId: account,
  sessionContext: { sessionIssuer: { type: 'Role', principalId: `AROA${role.toUpperCase()}`, arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role } },
});

export function event(eventSource: string, eventName: string, time: string, fields: Partial<TrailRecord> = {}): TrailRecord {
  seq++;
  return {
    eventVersion: '1.09',
    userIdentity: user('alice'),
    eventTime: time,
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '198.51.100.7',
    userAgent: UA.cli,
    requestParameters: null,
    responseElements: null,
    requestID: `req-${seq}`,
    eventID: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...fields,
  };
}

const sshFromWorld = { ipProtocol: 'tcp', fromPort: 22, toPort: 22, groups: {}, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] }, ipv6Ranges: {}, prefixListIds: {} };

/**
 * One security group's life: created by alice in the console, SSH from anywhere added by bob with Terraform,
 * revoked by bob, deleted by alice with the AWS CLI; plus a denied attempt by mallory (not a change).
 */
export function sgStory(): TrailRecord[] {
  return [
    event('ec2.amazonaws.com', 'CreateSecurityGroup', '2024-05-02T09:00:00Z', {
      userIdentity: user('alice'),
      userAgent: UA.console,
      sourceIPAddress: '203.0.113.10',
      sessionCredentialFromConsole: 'true',
      requestParameters: { groupName: 'web', groupDescription: 'web servers', vpcId: 'vpc-0123456789abcdef0' },
      responseElements: { requestId: 'r1', _return: true, groupId: SG },
    }),
    event('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', '2024-05-02T10:15:00Z', {
      userIdentity: user('bob'),
      userAgent: UA.terraform,
      sourceIPAddress: '192.0.2.44',
      requestParameters: { groupId: SG, ipPermissions: { items: [sshFromWorld] } },
      responseElements: {
        requestId: 'r2',
        _return: true,
        securityGroupRuleSet: { items: [{ groupOwnerId: ACCOUNT, groupId: SG, securityGroupRuleId: 'sgr-0f00000000000001a', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] },
      },
    }),
    event('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', '2024-05-02T10:20:00Z', {
      userIdentity: user('mallory'),
      userAgent: UA.boto3,
      sourceIPAddress: '233.252.0.9',
      errorCode: 'Client.UnauthorizedOperation',
      errorMessage: 'You are not authorized to perform this operation.',
      requestParameters: { groupId: SG, ipPermissions: { items: [{ ...sshFromWorld, fromPort: 3389, toPort: 3389 }] } },
    }),
    event('ec2.amazonaws.com', 'RevokeSecurityGroupIngress', '2024-05-02T11:00:00Z', {
      userIdentity: user('bob'),
      userAgent: UA.terraform,
      sourceIPAddress: '192.0.2.44',
      requestParameters: { groupId: SG, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-0f00000000000001a' }] } },
      responseElements: { requestId: 'r3', _return: true },
    }),
    event('ec2.amazonaws.com', 'DeleteSecurityGroup', '2024-05-03T08:30:00Z', {
      userIdentity: user('alice'),
      userAgent: UA.cli,
      sourceIPAddress: '203.0.113.10',
      requestParameters: { groupId: SG },
      responseElements: { requestId: 'r4', _return: true },
    }),
  ];
}
