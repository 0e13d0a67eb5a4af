import { describe } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { EC2_CHECKS } from './index.js';
import { SG_OPEN_PORT_CHECKS } from './sg_open_ports.js';

const R = 'eu-west-3';
const snap = (calls: Record<string, unknown>) => memorySnapshot({ calls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [`${R}/${k}`, v])) });
const missing = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const unknownFor = (call: string) => [missing, snap({ [call]: fail() })];

const instance = (fields: Record<string, unknown>) => ({
  Reservations: [
    {
      Instances: [
        {
          InstanceId: 'i-1',
          State: { Name: 'running' },
          VpcId: 'vpc-1',
          LaunchTime: '2025-12-01T00:00:00.000Z',
          MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required' },
          SourceDestCheck: true,
          IamInstanceProfile: { Arn: 'arn:aws:iam::111122223333:instance-profile/app' },
          NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1' }],
          ...fields,
        },
      ],
    },
  ],
});
const inst = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => snap({ 'ec2-describe-instances': instance(fields), ...extra });
const sg = (perms: Record<string, unknown>[], fields: Record<string, unknown> = {}) =>
  snap({ 'ec2-describe-security-groups': { SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'web', IpPermissions: perms, IpPermissionsEgress: [], ...fields }] } });
const tcp = (port: number, ...cidrs: string[]) => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: cidrs.filter((c) => !c.includes(':')).map((CidrIp) => ({ CidrIp })),
  Ipv6Ranges: cidrs.filter((c) => c.includes(':')).map((CidrIpv6) => ({ CidrIpv6 })),
});
const sgUnknown = unknownFor('ec2-describe-security-groups');
const nacl = (...entries: Record<string, unknown>[]) => snap({ 'ec2-describe-network-acls': { NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: entries }] } });
const entry = (n: number, action: string, from: number, to: number, cidr = '0.0.0.0/0') => ({ RuleNumber: n, Egress: false, Protocol: '6', PortRange: { From: from, To: to }, CidrBlock: cidr, RuleAction: action });

const table: Record<string, Cases> = {
  ec2_instance_imdsv2_required: {
    pass: inst({}),
    fail: inst({ MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'optional' } }),
    unknown: [...unknownFor('ec2-describe-instances'), inst({ MetadataOptions: undefined })],
  },
  ec2_instance_old: {
    pass: inst({}),
    fail: inst({ LaunchTime: '2017-12-01T00:00:00.000Z' }),
    unknown: [...unknownFor('ec2-describe-instances'), inst({ LaunchTime: undefined })],
  },
  ec2_instance_in_vpc: { pass: inst({}), fail: inst({ VpcId: undefined }), unknown: unknownFor('ec2-describe-instances') },
  ec2_instance_source_dest_check: {
    pass: inst({ SourceDestCheck: false }, { 'ec2-describe-route-tables': { RouteTables: [{ Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: 'eni-1' }] }] } }),
    fail: inst({ SourceDestCheck: false }, { 'ec2-describe-route-tables': { RouteTables: [{ Routes: [] }] } }),
    unknown: [...unknownFor('ec2-describe-instances'), inst({ SourceDestCheck: false })],
  },
  ec2_instance_no_public_ip: { pass: inst({}), fail: inst({ PublicIpAddress: '1.2.3.4' }), unknown: unknownFor('ec2-describe-instances') },
  ec2_instance_profile_attached: { pass: inst({}), fail: inst({ IamInstanceProfile: undefined }), unknown: unknownFor('ec2-describe-instances') },
  ec2_ebs_snapshot_not_public: {
    pass: snap({ 'ec2-describe-snapshots': { Snapshots: [{ SnapshotId: 'snap-1' }] }, 'ec2-describe-snapshot-attribute/snap-1': { CreateVolumePermissions: [{ UserId: '999988887777' }] } }),
    fail: snap({ 'ec2-describe-snapshots': { Snapshots: [{ SnapshotId: 'snap-1' }] }, 'ec2-describe-snapshot-attribute/snap-1': { CreateVolumePermissions: [{ Group: 'all' }] } }),
    unknown: [...unknownFor('ec2-describe-snapshots'), snap({ 'ec2-describe-snapshots': { Snapshots: [{ SnapshotId: 'snap-1' }] } })],
  },
  ec2_ami_not_public: {
    pass: snap({ 'ec2-describe-images': { Images: [{ ImageId: 'ami-1', Public: false }] } }),
    fail: snap({ 'ec2-describe-images': { Images: [{ ImageId: 'ami-1', Public: true }] } }),
    unknown: unknownFor('ec2-describe-images'),
  },
  ec2_ebs_volume_encrypted: {
    pass: snap({ 'ec2-describe-volumes': { Volumes: [{ VolumeId: 'vol-1', Encrypted: true }] } }),
    fail: snap({ 'ec2-describe-volumes': { Volumes: [{ VolumeId: 'vol-1', Encrypted: false }] } }),
    unknown: unknownFor('ec2-describe-volumes'),
  },
  ec2_sg_default_restricts_all: {
    pass: sg([], { GroupName: 'default' }),
    fail: sg([{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-1' }] }], { GroupName: 'default' }),
    unknown: sgUnknown,
  },
  vpc_flow_logs_enabled: {
    pass: snap({ 'ec2-describe-vpcs': { Vpcs: [{ VpcId: 'vpc-1' }] }, 'ec2-describe-flow-logs': { FlowLogs: [{ ResourceId: 'vpc-1', FlowLogStatus: 'ACTIVE' }] } }),
    fail: snap({ 'ec2-describe-vpcs': { Vpcs: [{ VpcId: 'vpc-1' }] }, 'ec2-describe-flow-logs': { FlowLogs: [{ ResourceId: 'vpc-2' }] } }),
    unknown: [...unknownFor('ec2-describe-vpcs'), snap({ 'ec2-describe-vpcs': { Vpcs: [{ VpcId: 'vpc-1' }] } })],
  },
  ec2_nacl_admin_ports: {
    pass: nacl(entry(50, 'deny', 22, 22), entry(60, 'deny', 3389, 3389), entry(100, 'allow', 0, 65535)),
    fail: nacl(entry(50, 'deny', 3389, 3389), entry(100, 'allow', 0, 65535)),
    unknown: unknownFor('ec2-describe-network-acls'),
  },
  ec2_sg_cidr_overlaps: { pass: sg([tcp(22, '1.1.1.1/32', '2.2.2.2/28')]), fail: sg([tcp(22, '1.1.1.0/24', '1.1.1.1/32')]), unknown: sgUnknown },
  ec2_sg_cidr_unneeded: { pass: sg([tcp(22, '1.1.1.1/32')]), fail: sg([tcp(22, '127.0.0.1/32')]), unknown: sgUnknown },
  ec2_sg_cidr_unexpected: { pass: sg([tcp(443, '0.0.0.0/0')]), fail: sg([tcp(443, '0.0.0.0/8')]), unknown: sgUnknown },
  ec2_sg_large_cidr: { pass: sg([tcp(22, '10.0.0.0/8', '2.2.2.0/24')]), fail: sg([tcp(22, '8.0.0.0/8')]), unknown: sgUnknown },
};

// Port family: each row passes with its port open to one office, fails with it open to the world.
const PORT: Record<string, [number, string]> = {
  ec2_sg_admin_ports_ipv4: [3389, '0.0.0.0/0'],
  ec2_sg_admin_ports_ipv6: [22, '::/0'],
};
for (const c of SG_OPEN_PORT_CHECKS) {
  const port = PORT[c.id]?.[0] ?? Number(/\((\d+)/.exec(c.title)?.[1] ?? 0);
  const world = PORT[c.id]?.[1] ?? '0.0.0.0/0';
  table[c.id] = {
    pass: sg([tcp(port || 443, '1.1.1.1/32'), ...(c.id === 'ec2_sg_admin_ports_ipv4' ? [tcp(22, '::/0')] : [])]),
    fail: port ? sg([{ IpProtocol: 'tcp', FromPort: port - 1 > 0 ? port - 1 : port, ToPort: port + 1, IpRanges: world.includes(':') ? [] : [{ CidrIp: world }], Ipv6Ranges: world.includes(':') ? [{ CidrIpv6: world }] : [] }]) : sg([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]),
    unknown: sgUnknown,
  };
}

describe('ec2 checks', () => {
  runAllCases(EC2_CHECKS, table);
});
