import { describe, expect, it } from 'vitest';
import { toolOf } from './tool.js';
import { recorded } from './testing.js';

const rec = (userAgent: string | undefined, extra: Record<string, unknown> = {}) => ({ userAgent, userIdentity: { type: 'IAMUser' }, ...extra });

describe('toolOf', () => {
  const cases: [string, string | undefined, Record<string, unknown>, string, string | null][] = [
    ['console sign-in', 'signin.amazonaws.com', {}, 'console', 'signin.amazonaws.com'],
    ['console service page', 'console.ec2.amazonaws.com', {}, 'console', 'console.ec2.amazonaws.com'],
    ['console back end on a console session', 'AWS Internal', { sessionCredentialFromConsole: 'true' }, 'console', 'AWS Internal'],
    ['browser', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36', {}, 'console', 'Mozilla/5.0'],
    ['AWS CLI v2 (also says botocore-ish things)', 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64 prompt/off command/ec2.run-instances', {}, 'aws-cli', 'aws-cli/2.15.30'],
    ['AWS CLI v1 on botocore', 'aws-cli/1.29.0 Python/3.9.16 Linux/5.10 botocore/1.31.0', {}, 'aws-cli', 'aws-cli/1.29.0'],
    ['boto3', 'Boto3/1.34.2 md/Botocore#1.34.2 ua/2.0 os/linux lang/python#3.11.6 Botocore/1.34.2', {}, 'sdk', 'Boto3/1.34.2'],
    ['botocore alone', 'Botocore/1.31.0 Python/3.9', {}, 'sdk', 'Botocore/1.31.0'],
    ['JS SDK v3', 'aws-sdk-js/3.540.0 ua/2.0 os/linux#5.15 lang/js md/nodejs#20.11.1 api/ec2#3.540.0', {}, 'sdk', 'aws-sdk-js/3.540.0'],
    ['Go SDK v2', 'aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8 api/iam#1.31.0', {}, 'sdk', 'aws-sdk-go-v2/1.25.2'],
    ['Java SDK', 'aws-sdk-java/1.12.500 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.8', {}, 'sdk', 'aws-sdk-java/1.12.500'],
    ['Terraform over the Go SDK', 'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.40.0 aws-sdk-go-v2/1.25.2', {}, 'terraform', 'Terraform/1.7.5'],
    ['Terraform provider only', 'terraform-provider-aws/4.67.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.261', {}, 'terraform', 'terraform-provider-aws/4.67.0'],
    ['CDK over the JS SDK', 'aws-sdk-js/2.1500.0 promise aws-cdk/2.140.0', {}, 'cdk', 'aws-cdk/2.140.0'],
    ['Pulumi', 'pulumi-aws/6.30.0 aws-sdk-go-v2/1.25.2', {}, 'pulumi', 'pulumi-aws/6.30.0'],
    ['CloudFormation by user agent', 'cloudformation.amazonaws.com', {}, 'cloudformation', 'cloudformation.amazonaws.com'],
    ['CloudFormation by invokedBy', 'AWS Internal', { userIdentity: { type: 'AssumedRole', invokedBy: 'cloudformation.amazonaws.com' } }, 'cloudformation', 'cloudformation.amazonaws.com'],
    ['a service for a principal', 'AWS Internal', { userIdentity: { type: 'AssumedRole', invokedBy: 'autoscaling.amazonaws.com' } }, 'aws-service', 'autoscaling.amazonaws.com'],
    ['a service principal', 'lambda.amazonaws.com', { userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' } }, 'aws-service', 'lambda.amazonaws.com'],
    ['AWS Internal without a console session', 'AWS Internal', {}, 'aws-service', 'AWS Internal'],
    ['a custom agent', 'stratus-red-team_1004a4ff-b486-4981-a84b-6322905f37cc', {}, 'unknown', 'stratus-red-team_1004a4ff-b486-4981-a84b-6322905f37cc'],
    ['no agent', undefined, {}, 'unknown', null],
  ];
  for (const [name, ua, extra, tool, detail] of cases) {
    it(name, () => expect(toolOf(rec(ua, extra))).toEqual({ tool, detail }));
  }

  it('reads the real agents of the recorded events', () => {
    const tools = new Map(recorded().map((r) => [r.eventID as string, toolOf(r).tool]));
    expect(tools.get('44d2eea3-1a32-4840-a32b-1d577acbdb34')).toBe('aws-cli'); // TrailDiscover CreateServiceLinkedRole
    expect(tools.get('8d1d432b-6647-431b-88a7-2da2c2042516')).toBe('console'); // TrailDiscover, browser
    expect(tools.get('3346344c-5a3e-429e-8405-420f98f75d6e')).toBe('unknown'); // Stratus Red Team's own agent
  });
});
