/**
 * Where notices go: an SNS topic encrypted with its own KMS key (optionally an email subscription), and the
 * Secrets Manager secret that holds the sinks (webhook/Slack URLs) for the outbox deliverer. The secret is
 * created holding `{"sinks":[]}` and a generated filler; put the real list with
 * `aws secretsmanager put-secret-value` (the template never contains it).
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Key administration for the account (named actions, no kms:*), so the key never becomes unmanageable. */
const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:EnableKeyRotation',
  'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:DisableKey', 'kms:ListResourceTags', 'kms:TagResource',
  'kms:UntagResource', 'kms:UpdateKeyDescription', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

export class Alerting extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  readonly secret: secrets.Secret;

  constructor(scope: Construct, id: string, props: { alertEmail?: string; secretName: string; removalPolicy: RemovalPolicy }) {
    super(scope, id);
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'vigil alerts topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      policy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ sid: 'KeyAdministration', principals: [new iam.AccountRootPrincipal()], actions: KEY_ADMIN_ACTIONS, resources: ['*'] })],
      }),
    });
    // SNS itself encrypts for the publishers and decrypts for encrypted subscribers in this account.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SnsUse',
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'vigil alerts', masterKey: this.key, enforceSSL: true });
    if (props.alertEmail) this.topic.addSubscription(new subs.EmailSubscription(props.alertEmail));
    this.secret = new secrets.Secret(this, 'Sinks', {
      secretName: props.secretName,
      description: 'vigil sinks (webhook/Slack URLs) as JSON: {"sinks":[{"name":...,"type":...,"url":...}]}',
      generateSecretString: { secretStringTemplate: JSON.stringify({ sinks: [] }), generateStringKey: 'filler', excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
  }

  /** Lets a function publish notices: sns:Publish on the topic, and the key's use for SNS via the key policy. */
  grantPublish(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(role.roleArn)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}
