import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { bundleHandlers } from './bundle.js';
import { DeployConfigSchema, scheduleExpression } from './config.js';
import { VigilWatchStack } from './stack.js';

let work: string;
let bundleDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigil-stack-test-'));
  bundleDir = (await bundleHandlers(join(work, 'bundle'))).dir;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function template(input: Record<string, unknown>): Template {
  const app = new App({ outdir: mkdtempSync(join(work, 'out-')), builtinCloudFormationValidation: false });
  const stack = new VigilWatchStack(app, 'Test', { config: DeployConfigSchema.parse(input), code: lambda.Code.fromAsset(bundleDir) });
  return Template.fromStack(stack);
}

const FULL = {
  trail: { bucket: 'org-trail', prefix: 'org/', orgId: 'o-abcdef1234', kmsKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/1234' },
  collect: { accounts: ['111111111111', '333333333333'], regions: ['us-east-1'], roleName: 'VigilAudit', schedule: '30 2 * * 1-5' },
  alertEmail: 'security@example.com',
  sinksSecretName: 'vigil/prod-sinks',
  lambda: { memoryMb: 512, timeoutSeconds: 60, batchSize: 20, batchWindowSeconds: 10 },
};

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Allow statements of the identity policies, with the role they belong to. */
function allows(t: Template): (Statement & { roles: unknown })[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow').map((s) => ({ ...s, roles: p.Properties.Roles })),
  );
}

const logicalId = (t: Template, type: string, match: (props: Record<string, unknown>) => boolean) => {
  const ids = Object.entries(t.findResources(type)).filter(([, r]) => match(r.Properties ?? {})).map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

describe('the stack', () => {
  let t: Template;
  beforeAll(() => {
    t = template(FULL);
  });

  it('queue + DLQ with redrive, queue fed by the trail bucket notification for <prefix>AWSLogs/ *.json.gz', () => {
    t.resourceCountIs('AWS::SQS::Queue', 3);
    t.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 360,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailDlq'), 'Arn'] }, maxReceiveCount: 5 },
    });
    t.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: 'org-trail',
      Managed: false,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            QueueArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailQueue'), 'Arn'] },
            Filter: { Key: { FilterRules: Match.arrayWith([{ Name: 'suffix', Value: '.json.gz' }, { Name: 'prefix', Value: 'org/AWSLogs/' }]) } },
          },
        ],
      },
    });
    // S3 may send to the queue from this bucket only.
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: Match.arrayWith(['sqs:SendMessage']), Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() } } }),
        ]),
      },
    });
  });

  it('the watch function reads the queue with partial batch failures', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailQueue'), 'Arn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^WatchFunction') },
      BatchSize: 20,
      MaximumBatchingWindowInSeconds: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'watch.handler',
      MemorySize: 512,
      Timeout: 60,
      Runtime: Match.stringLikeRegexp('^nodejs'),
      Environment: { Variables: Match.objectLike({ DEDUP_TTL_SECONDS: String(30 * 86400), TOPIC_ARN: { Ref: Match.stringLikeRegexp('^AlertingTopic') } }) },
    });
  });

  it('the outbox function reads new items of the outbox stream, with partial failures and an on-failure queue', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StateOutbox'), 'StreamArn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^OutboxFunction') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OutboxDlq'), 'Arn'] } } },
    });
  });

  it('three on-demand tables with PITR, encryption and TTL; the outbox streams new images', () => {
    t.resourceCountIs('AWS::DynamoDB::Table', 3);
    for (const table of Object.values(t.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      });
      expect(table.DeletionPolicy).toBe('Retain');
    }
    t.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true }, StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    expect(Object.values(t.findResources('AWS::DynamoDB::Table', { Properties: { TimeToLiveSpecification: Match.anyValue() } }))).toHaveLength(2);
  });

  it('an SNS topic encrypted with a rotating key, the email subscription, and a secret whose value is not in the template', () => {
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertingTopicKey'), 'Arn'] } });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security@example.com' });
    t.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'vigil/prod-sinks', GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"sinks":[]}' }) });
    for (const secret of Object.values(t.findResources('AWS::SecretsManager::Secret'))) expect(secret.Properties.SecretString).toBeUndefined();
  });

  it('the nightly schedule comes from the config', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 2 ? * 2-6 *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NightlyFunction'), 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'audit.handler',
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ COLLECT_ACCOUNTS: '111111111111,333333333333', COLLECT_REGIONS: 'us-east-1', ROLE_NAME: 'VigilAudit' }) },
    });
  });

  it('least privilege: every statement names its resource, no wildcard action; SecurityAudit on the nightly role only', () => {
    const all = allows(t);
    for (const s of all) for (const a of actionsOf(s)) expect(a, JSON.stringify(s)).not.toContain('*');
    // The one resource "*": ListStreams, which has no resource-level permissions (added by the stream event source).
    for (const s of all.filter((s) => s.Resource === '*')) expect(actionsOf(s)).toEqual(['dynamodb:ListStreams']);

    const byAction = (a: string) => all.filter((s) => actionsOf(s).includes(a));
    const str = (x: unknown) => JSON.stringify(x);
    expect(byAction('s3:GetObject').map((s) => str(s.Resource))).toEqual([str({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::org-trail/org/AWSLogs/*']] })]);
    expect(byAction('kms:Decrypt').map((s) => s.Resource)).toEqual([FULL.trail.kmsKeyArn]);
    for (const s of all.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListStreams')))
      expect(str(s.Resource)).toMatch(/^\{"Fn::GetAtt":\["State(Dedup|Outbox|History)[0-9A-F]{8}","(Arn|StreamArn)"\]\}$/);
    for (const s of byAction('sns:Publish')) expect(s.Resource).toEqual({ Ref: expect.stringMatching(/^AlertingTopic[0-9A-F]{8}$/) });
    expect(byAction('sns:Publish')).toHaveLength(2);
    expect(byAction('secretsmanager:GetSecretValue').map((s) => s.Resource)).toEqual([{ Ref: expect.stringMatching(/^AlertingSinks/) }]);
    expect(byAction('sts:AssumeRole').map((s) => str(s.Resource))).toEqual([
      str(['111111111111', '333333333333'].map((a) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${a}:role/VigilAudit`]] }))),
    ]);
    expect(byAction('sts:AssumeRole')[0]!.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-abcdef1234' } });
    // Writes only where each function writes: the watch function cannot touch the history.
    const watchRole = logicalId(t, 'AWS::IAM::Role', (p) => p.Description === 'vigil watch');
    const watchAllows = all.filter((s) => str(s.roles).includes(watchRole));
    expect(watchAllows.some((s) => str(s.Resource).includes('StateHistory'))).toBe(false);

    const managed = Object.values(t.findResources('AWS::IAM::Role')).map((r) => str(r.Properties.ManagedPolicyArns ?? []));
    expect(managed.filter((m) => m.includes('SecurityAudit'))).toHaveLength(1);
    expect(managed.filter((m) => m !== '[]' && !m.includes('SecurityAudit')).every((m) => m.includes('AWSLambdaBasicExecutionRole'))).toBe(true);
  });

  it('the key policy names its actions and lets the publishers use the key only through SNS', () => {
    const [key] = Object.values(t.findResources('AWS::KMS::Key'));
    const statements = key!.Properties.KeyPolicy.Statement as Statement[];
    for (const s of statements) for (const a of actionsOf(s)) expect(a).not.toContain('*');
    const publishers = statements.filter((s) => JSON.stringify(s.Condition ?? {}).includes('kms:ViaService'));
    expect(publishers).toHaveLength(2);
    for (const s of publishers) expect(actionsOf(s).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });
});

describe('config variants', () => {
  it('without a member role or email: no AssumeRole, no subscription; destroy removes the tables', () => {
    const t = template({ trail: { bucket: 'trail-b' }, removalPolicy: 'destroy' });
    expect(allows(t).filter((s) => actionsOf(s).includes('sts:AssumeRole'))).toEqual([]);
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)' });
    t.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { QueueConfigurations: [Match.objectLike({ Filter: { Key: { FilterRules: Match.arrayWith([{ Name: 'prefix', Value: 'AWSLogs/' }]) } } })] },
    });
    for (const table of Object.values(t.findResources('AWS::DynamoDB::Table'))) expect(table.DeletionPolicy).toBe('Delete');
  });

  it('a member role without listed accounts may be assumed in any account (of the organization when given)', () => {
    const t = template({ trail: { bucket: 'trail-b', orgId: 'o-abcdef1234' }, collect: { roleName: 'R' } });
    const s = allows(t).find((s) => actionsOf(s).includes('sts:AssumeRole'))!;
    expect(JSON.stringify(s.Resource)).toContain(':iam::*:role/R');
    expect(s.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-abcdef1234' } });
    t.hasResourceProperties('AWS::Lambda::Function', { Handler: 'audit.handler', Environment: { Variables: Match.objectLike({ COLLECT_ORGANIZATION: '1', COLLECT_ACCOUNTS: '' }) } });
  });

  it('rejects bad settings with the field named', () => {
    const issue = (input: unknown) => {
      const r = DeployConfigSchema.safeParse(input);
      return r.success ? 'ok' : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
    };
    expect(issue({ trail: { bucket: 'trail-b', prefix: 'no-slash' } })).toBe('trail.prefix: a key prefix ends with /');
    expect(issue({ collect: { accounts: ['12'] } })).toBe('collect.accounts.0: an account id is 12 digits');
    expect(issue({ collect: { schedule: 'every night' } })).toMatch(/^collect.schedule: not a schedule/);
    expect(issue({ stackName: '1bad' })).toMatch(/^stackName: /);
    expect(issue({ alertEmail: 'nope' })).toMatch(/^alertEmail: /);
    expect(issue({ lambda: { memoryMb: 64 } })).toMatch(/^lambda.memoryMb: /);
    expect(issue({ surprise: 1 })).toMatch(/surprise/);
  });

  it('converts cron to EventBridge schedules', () => {
    expect(scheduleExpression('0 3 * * *')).toBe('cron(0 3 * * ? *)');
    expect(scheduleExpression('15 1 1 * *')).toBe('cron(15 1 1 * ? *)');
    expect(scheduleExpression('0 6 * * 0')).toBe('cron(0 6 ? * 1 *)');
    expect(scheduleExpression('rate(12 hours)')).toBe('rate(12 hours)');
    expect(scheduleExpression('cron(0 3 * * ? *)')).toBe('cron(0 3 * * ? *)');
    expect(() => scheduleExpression('0 3 1 * 1')).toThrow(/both/);
    expect(() => scheduleExpression('cron(0 3 * *)')).toThrow(/6 fields/);
  });
});

