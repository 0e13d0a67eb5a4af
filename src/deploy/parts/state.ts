/** The three DynamoDB tables of the Lambda form (see src/deploy/lambda/tables.ts for what each holds). */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ddb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export class StateTables extends Construct {
  readonly dedup: ddb.Table;
  readonly outbox: ddb.Table;
  readonly history: ddb.Table;

  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    const table = (name: string, ttl: boolean, stream?: ddb.StreamViewType) =>
      new ddb.Table(this, name, {
        partitionKey: { name: 'pk', type: ddb.AttributeType.STRING },
        billingMode: ddb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: ddb.TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: ttl ? 'ttl' : undefined,
        stream,
        removalPolicy: props.removalPolicy,
      });
    this.dedup = table('Dedup', true);
    // The outbox's stream (new images) drives delivery to the sinks.
    this.outbox = table('Outbox', true, ddb.StreamViewType.NEW_IMAGE);
    // Findings history is kept until a finding is forgotten explicitly: no TTL.
    this.history = table('History', false);
  }
}
