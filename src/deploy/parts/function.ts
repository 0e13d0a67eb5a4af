/**
 * One of vigil's functions: its own role (no managed policy: logs go to its own log group, granted here), its
 * own log group with a retention, Node 24 on arm64 (the bundle targets Node 20 and up), code from the bundled asset folder.
 */
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface VigilFunctionProps {
  code: lambda.Code;
  /** `<entry>.handler` of the bundle (watch, outbox, audit). */
  entry: string;
  description: string;
  memoryMb: number;
  timeout: Duration;
  environment: Record<string, string>;
  removalPolicy: RemovalPolicy;
  ephemeralStorageMb?: number;
}

export class VigilFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: VigilFunctionProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `vigil ${props.entry}` });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: props.removalPolicy });
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.fn = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      code: props.code,
      handler: `${props.entry}.handler`,
      description: props.description,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      role: this.role,
      logGroup,
      environment: props.environment,
      ephemeralStorageSize: props.ephemeralStorageMb ? Size.mebibytes(props.ephemeralStorageMb) : undefined,
    });
  }

  allow(actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.role.addToPolicy(new iam.PolicyStatement({ actions, resources, conditions }));
  }
}
