/**
 * The serverless form of the watch, one stack:
 *   trail bucket (imported) ─ObjectCreated <prefix>AWSLogs/…json.gz→ SQS (+DLQ) → watch function → dedup table,
 *   outbox table, SNS topic; outbox stream → outbox function → sinks (URLs in Secrets Manager);
 *   EventBridge schedule → nightly function (collect + audit, SecurityAudit) → history table, same notices.
 * Every grant is written out here, scoped to the one resource it concerns.
 */
import { Arn, Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { scheduleExpression, type DeployConfig } from './config.js';
import { Alerting } from './parts/alerting.js';
import { VigilFunction } from './parts/function.js';
import { StateTables } from './parts/state.js';

export interface VigilStackProps extends StackProps {
  config: DeployConfig;
  /** The bundled handlers (see bundle.ts). */
  code: lambda.Code;
}

/** Only the delivery files: `<prefix>AWSLogs/...json.gz` (digests sit elsewhere under CloudTrail-Digest/). */
export function trailKeyFilter(prefix: string): { prefix: string; suffix: string } {
  return { prefix: `${prefix}AWSLogs/`, suffix: '.json.gz' };
}

export class VigilWatchStack extends Stack {
  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    const cfg = props.config;
    if (!cfg.trail.bucket) throw new Error('deploy.trail.bucket: the CloudTrail bucket is required');
    const removalPolicy = cfg.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const timeout = Duration.seconds(cfg.lambda.timeoutSeconds);

    const state = new StateTables(this, 'State', { removalPolicy });
    const alerting = new Alerting(this, 'Alerting', { alertEmail: cfg.alertEmail, secretName: cfg.sinksSecretName, removalPolicy });
    const common = {
      TOPIC_ARN: alerting.topic.topicArn,
      DEDUP_TABLE: state.dedup.tableName,
      OUTBOX_TABLE: state.outbox.tableName,
      HISTORY_TABLE: state.history.tableName,
      DEDUP_TTL_SECONDS: String(cfg.dedupDays * 86400),
    };
    const fn = (id: string, entry: string, description: string, extra: Partial<{ environment: Record<string, string>; timeout: Duration; ephemeralStorageMb: number }> = {}) =>
      new VigilFunction(this, id, {
        code: props.code,
        entry,
        description,
        memoryMb: cfg.lambda.memoryMb,
        timeout: extra.timeout ?? timeout,
        environment: { ...common, ...extra.environment },
        removalPolicy,
        ephemeralStorageMb: extra.ephemeralStorageMb,
      });
    const tableArn = (t: { tableArn: string }) => [t.tableArn];

    // Trail bucket → queue. SQS-managed encryption: S3 can send to it without a key grant.
    const dlq = new sqs.Queue(this, 'TrailDlq', { retentionPeriod: Duration.days(14), encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy });
    const queue = new sqs.Queue(this, 'TrailQueue', {
      // Lambda's guidance: at least 6 × the function timeout, so a batch in retry is not handed out twice.
      visibilityTimeout: Duration.seconds(cfg.lambda.timeoutSeconds * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
      removalPolicy,
    });
    const bucket = s3.Bucket.fromBucketName(this, 'TrailBucket', cfg.trail.bucket);
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), trailKeyFilter(cfg.trail.prefix));

    // Watch: new trail files → alerts.
    const watch = fn('Watch', 'watch', 'vigil: CloudTrail files from the trail queue through the live detection rules');
    watch.fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: cfg.lambda.batchSize,
        maxBatchingWindow: cfg.lambda.batchWindowSeconds > 0 ? Duration.seconds(cfg.lambda.batchWindowSeconds) : undefined,
        reportBatchItemFailures: true,
      }),
    );
    watch.allow(['s3:GetObject'], [`${bucket.bucketArn}/${cfg.trail.prefix}AWSLogs/*`]);
    if (cfg.trail.kmsKeyArn)
      watch.allow(['kms:Decrypt'], [cfg.trail.kmsKeyArn], { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } });
    watch.allow(['dynamodb:PutItem', 'dynamodb:DeleteItem'], tableArn(state.dedup));
    watch.allow(['dynamodb:PutItem'], tableArn(state.outbox));
    alerting.grantPublish(watch.role);

    // Outbox: each new notice → the sinks (webhook URLs from the secret).
    const outboxDlq = new sqs.Queue(this, 'OutboxDlq', { retentionPeriod: Duration.days(14), encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy });
    const outbox = fn('Outbox', 'outbox', 'vigil: delivers new notices from the outbox table to the sinks', {
      environment: { SINKS_SECRET_ARN: alerting.secret.secretArn },
    });
    outbox.fn.addEventSource(
      new DynamoEventSource(state.outbox, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        retryAttempts: 8,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(outboxDlq),
        filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
      }),
    );
    outbox.allow(['dynamodb:GetItem', 'dynamodb:PutItem'], tableArn(state.dedup));
    outbox.allow(['secretsmanager:GetSecretValue'], [alerting.secret.secretArn]);

    // Nightly: collect + audit in the member accounts → finding changes.
    const nightly = fn('Nightly', 'audit', 'vigil: nightly collection and audit', {
      timeout: Duration.minutes(15),
      ephemeralStorageMb: 2048,
      environment: {
        COLLECT_ACCOUNTS: cfg.collect.accounts.join(','),
        // An organization without listed accounts: discover them (Organizations ListAccounts, in SecurityAudit).
        ...(cfg.trail.orgId && !cfg.collect.accounts.length ? { COLLECT_ORGANIZATION: '1' } : {}),
        COLLECT_REGIONS: cfg.collect.regions.join(','),
        ...(cfg.collect.roleName ? { ROLE_NAME: cfg.collect.roleName } : {}),
        ...(cfg.collect.externalId ? { EXTERNAL_ID: cfg.collect.externalId } : {}),
      },
    });
    nightly.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('SecurityAudit'));
    if (cfg.collect.roleName) {
      const roleArns = (cfg.collect.accounts.length ? cfg.collect.accounts : ['*']).map((account) =>
        Arn.format({ partition: Aws.PARTITION, service: 'iam', region: '', account, resource: 'role', resourceName: cfg.collect.roleName }),
      );
      nightly.allow(['sts:AssumeRole'], roleArns, cfg.trail.orgId ? { StringEquals: { 'aws:ResourceOrgID': cfg.trail.orgId } } : undefined);
    }
    nightly.allow(['dynamodb:Scan', 'dynamodb:BatchWriteItem'], tableArn(state.history));
    nightly.allow(['dynamodb:PutItem', 'dynamodb:DeleteItem'], tableArn(state.dedup));
    nightly.allow(['dynamodb:PutItem'], tableArn(state.outbox));
    alerting.grantPublish(nightly.role);
    new events.Rule(this, 'NightlySchedule', {
      description: 'vigil: nightly collect + audit',
      schedule: events.Schedule.expression(scheduleExpression(cfg.collect.schedule)),
      targets: [new targets.LambdaFunction(nightly.fn, { retryAttempts: 2, maxEventAge: Duration.hours(2) })],
    });

    new CfnOutput(this, 'AlertsTopicArn', { value: alerting.topic.topicArn });
    new CfnOutput(this, 'SinksSecretArn', { value: alerting.secret.secretArn });
    new CfnOutput(this, 'TrailQueueUrl', { value: queue.queueUrl });
    new CfnOutput(this, 'TrailDlqUrl', { value: dlq.queueUrl });
  }
}
