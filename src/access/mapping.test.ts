import { describe, expect, it } from 'vitest';
import { actionsForEvent, servicePrefix } from './mapping.js';
import { dataTypesOfSelectors, recordingOf } from './coverage.js';

describe('event → IAM action', () => {
  it.each([
    ['s3.amazonaws.com', 'ListObjects', ['s3:ListBucket']],
    ['s3.amazonaws.com', 'ListObjectsV2', ['s3:ListBucket']],
    ['s3.amazonaws.com', 'HeadObject', ['s3:GetObject']],
    ['s3.amazonaws.com', 'GetObject', ['s3:GetObject']],
    ['s3.amazonaws.com', 'ListBuckets', ['s3:ListAllMyBuckets']],
    ['s3.amazonaws.com', 'CopyObject', ['s3:PutObject', 's3:GetObject']],
    ['s3.amazonaws.com', 'GetBucketEncryption', ['s3:GetEncryptionConfiguration']],
    ['lambda.amazonaws.com', 'Invoke', ['lambda:InvokeFunction']],
    ['lambda.amazonaws.com', 'GetFunction20150331v2', ['lambda:GetFunction']],
    ['lambda.amazonaws.com', 'ListFunctions20150331', ['lambda:ListFunctions']],
    ['cloudfront.amazonaws.com', 'ListDistributions2020_05_31', ['cloudfront:ListDistributions']],
    ['monitoring.amazonaws.com', 'DescribeAlarms', ['cloudwatch:DescribeAlarms']],
    ['email.amazonaws.com', 'SendEmail', ['ses:SendEmail']],
    ['tagging.amazonaws.com', 'GetResources', ['tag:GetResources']],
    ['apigateway.amazonaws.com', 'GetRestApis', ['apigateway:GET']],
    ['apigateway.amazonaws.com', 'CreateRestApi', ['apigateway:POST']],
    ['ec2.amazonaws.com', 'DescribeInstances', ['ec2:DescribeInstances']],
    ['signin.amazonaws.com', 'ConsoleLogin', []],
    ['sts.amazonaws.com', 'GetCallerIdentity', []],
  ])('%s %s → %j', (source, name, actions) => {
    expect(actionsForEvent(source, name)).toEqual(actions);
  });

  it('maps event sources to IAM prefixes', () => {
    expect(servicePrefix('monitoring.amazonaws.com')).toBe('cloudwatch');
    expect(servicePrefix('elasticloadbalancing.amazonaws.com')).toBe('elasticloadbalancing');
    expect(servicePrefix('streams.dynamodb.amazonaws.com')).toBe('dynamodb');
  });
});

describe('what CloudTrail records', () => {
  it('tells management, data and unrecorded actions apart', () => {
    expect(recordingOf('s3:GetObject')).toEqual({ kind: 'data', type: 'AWS::S3::Object' });
    expect(recordingOf('s3:ListBucket')).toEqual({ kind: 'data', type: 'AWS::S3::Object' });
    expect(recordingOf('s3:GetBucketPolicy')).toEqual({ kind: 'management' });
    expect(recordingOf('lambda:InvokeFunction')).toEqual({ kind: 'data', type: 'AWS::Lambda::Function' });
    expect(recordingOf('iam:PassRole')).toEqual({ kind: 'unrecorded' });
    expect(recordingOf('ec2:RunInstances')).toEqual({ kind: 'management' });
  });

  it('reads full data-event coverage from event selectors, not partial ones', () => {
    expect(dataTypesOfSelectors({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] })).toEqual(['AWS::S3::Object']);
    expect(dataTypesOfSelectors({ EventSelectors: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::one-bucket/'] }] }] })).toEqual([]);
    expect(dataTypesOfSelectors({ EventSelectors: [{ ReadWriteType: 'ReadOnly', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] })).toEqual([]);
    const adv = (extra: object[]) => ({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }, ...extra] }] });
    expect(dataTypesOfSelectors(adv([]))).toEqual(['AWS::Lambda::Function']);
    expect(dataTypesOfSelectors(adv([{ Field: 'resources.ARN', StartsWith: ['arn:aws:lambda:us-east-1:1:function:x'] }]))).toEqual([]);
    expect(dataTypesOfSelectors({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] })).toEqual([]);
  });
});

describe('credential report', () => {
  it('lists active access keys not used since the window start, from CSV or base64 content', async () => {
    const { idleInCredentialReport } = await import('./report.js');
    const csv = [
      'user,arn,access_key_1_active,access_key_1_last_used_date,access_key_2_active,access_key_2_last_used_date',
      'old,arn:aws:iam::1:user/old,true,2025-01-01T00:00:00+00:00,false,N/A',
      'fresh,arn:aws:iam::1:user/fresh,true,2026-03-01T00:00:00+00:00,true,N/A',
    ].join('\n');
    const since = new Date('2026-02-01T00:00:00Z');
    const want = [
      { user: 'old', account: '1', source: 'credential-report', lastUsed: '2025-01-01T00:00:00+00:00' },
      { user: 'fresh', account: '1', source: 'credential-report', lastUsed: undefined },
    ];
    expect(idleInCredentialReport({ Content: csv }, '1', since)).toEqual(want);
    expect(idleInCredentialReport({ Content: Buffer.from(csv).toString('base64') }, '1', since)).toEqual(want);
  });
});
