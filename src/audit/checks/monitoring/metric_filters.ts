/** CIS AWS Foundations 3.0 section 4 (4.1-4.15): one row per monitored event pattern, one shared implementation. */
import type { Check } from '../../check.js';
import { cis, defineCheck } from '../../lib/define.js';
import { record } from '../../lib/factories.js';
import { eventNames, monitoringVerdict } from '../../lib/monitoring.js';
import { accountArn, forEachAccount, Results } from '../../lib/snapshot.js';

interface Row {
  control: string;
  slug: string;
  what: string;
  /** Event names the filter must match (each as `$.eventName = X`). */
  names?: string[];
  /** Event source the filter must pin. */
  source?: string;
  /** Other required terms, with the CIS pattern text that satisfies them. */
  terms?: RegExp[];
  pattern?: string;
}

const sourceTerm = (s: string) => new RegExp(`\\$\\.eventSource\\s*=\\s*"?${s.replace(/\./g, '\\.')}"?`);
const termsOf = (row: Row): RegExp[] => [...(row.source ? [sourceTerm(row.source)] : []), ...eventNames(...(row.names ?? [])), ...(row.terms ?? [])];

/** A filter pattern satisfying the row (the CIS remediation pattern), for fixtures and documentation. */
export function cisPattern(row: Row): string {
  if (row.pattern) return row.pattern;
  const names = (row.names ?? []).map((n) => `($.eventName = ${n})`).join(' || ');
  return `{ ${row.source ? `($.eventSource = ${row.source}) && ` : ''}(${names}) }`;
}

const ROWS: Row[] = [
  { control: '4.1', slug: 'unauthorized_api_calls', what: 'unauthorized API calls', terms: [/\$\.errorCode\s*=\s*"?\*UnauthorizedOperation"?/, /\$\.errorCode\s*=\s*"?AccessDenied\*"?/], pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }' },
  { control: '4.2', slug: 'console_login_without_mfa', what: 'console sign-in without MFA', names: ['ConsoleLogin'], terms: [/\$\.additionalEventData\.MFAUsed\s*!=\s*"?Yes"?/], pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }' },
  { control: '4.3', slug: 'root_usage', what: 'usage of the root user', terms: [/\$\.userIdentity\.type\s*=\s*"?Root"?/, /\$\.userIdentity\.invokedBy\s+NOT\s+EXISTS/, /\$\.eventType\s*!=\s*"?AwsServiceEvent"?/], pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }' },
  {
    control: '4.4',
    slug: 'iam_policy_changes',
    what: 'IAM policy changes',
    names: ['DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy'],
  },
  { control: '4.5', slug: 'cloudtrail_changes', what: 'CloudTrail configuration changes', names: ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'] },
  { control: '4.6', slug: 'console_auth_failures', what: 'console authentication failures', names: ['ConsoleLogin'], terms: [/\$\.errorMessage\s*=\s*"?Failed authentication"?/], pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }' },
  { control: '4.7', slug: 'kms_key_disable_or_deletion', what: 'disabling or scheduled deletion of customer-managed keys', source: 'kms.amazonaws.com', names: ['DisableKey', 'ScheduleKeyDeletion'] },
  {
    control: '4.8',
    slug: 's3_bucket_policy_changes',
    what: 'S3 bucket policy changes',
    source: 's3.amazonaws.com', names: ['PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication'],
  },
  { control: '4.9', slug: 'config_changes', what: 'AWS Config configuration changes', source: 'config.amazonaws.com', names: ['StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder'] },
  { control: '4.10', slug: 'security_group_changes', what: 'security group changes', names: ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup'] },
  { control: '4.11', slug: 'nacl_changes', what: 'network ACL changes', names: ['CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation'] },
  { control: '4.12', slug: 'network_gateway_changes', what: 'network gateway changes', names: ['CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway'] },
  { control: '4.13', slug: 'route_table_changes', what: 'route table changes', names: ['CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable'] },
  {
    control: '4.14',
    slug: 'vpc_changes',
    what: 'VPC changes',
    names: ['CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink'],
  },
  {
    control: '4.15',
    slug: 'organizations_changes',
    what: 'AWS Organizations changes',
    source: 'organizations.amazonaws.com', names: ['AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit'],
  },
];

export const METRIC_FILTER_CHECKS: Check[] = ROWS.map((row) =>
  defineCheck({
    id: `cloudwatch_alarm_${row.slug}`,
    title: `A log metric filter and alarm exist for ${row.what}`,
    severity: 'medium',
    service: 'cloudwatch',
    resourceType: 'AwsAccount',
    description: `The CloudWatch Logs group of a logging multi-region trail has a metric filter for ${row.what}, an alarm on its metric, and the alarm notifies an SNS topic with at least one confirmed subscriber (CIS ${row.control}).`,
    risk: `Nobody is told about ${row.what} when they happen.`,
    remediation: {
      console: 'CloudWatch > Log groups > trail log group > Metric filters > Create (CIS pattern), then Create alarm with an SNS topic that has a subscriber.',
      cli: 'aws logs put-metric-filter --log-group-name <group> --filter-name <name> --metric-transformations metricName=<m>,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern \'<pattern>\'; aws cloudwatch put-metric-alarm ... --alarm-actions <topic-arn>',
    },
    references: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html'],
    compliance: { cis: cis(row.control), fsbp: [`CloudWatch.${row.control.split('.')[1]}`] },
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        record(res, monitoringVerdict(snap, account, termsOf(row)), accountArn(partition, account), account, snap.regions(account)[0] ?? 'us-east-1');
      });
      return res.list;
    },
  }),
);

/** check id → a filter pattern that satisfies it. */
export const CIS_PATTERNS: Record<string, string> = Object.fromEntries(ROWS.map((row) => [`cloudwatch_alarm_${row.slug}`, cisPattern(row)]));
