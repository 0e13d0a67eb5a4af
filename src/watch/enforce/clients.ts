/** SDK clients for enforcement, per account and region: the current credentials, or `enforce.roleName` assumed in the alert's account. */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Config } from '../../config/schema.js';
import { awsClientConfig } from '../sinks/aws.js';

type Ctor<C> = new (config: ReturnType<typeof awsClientConfig> & Record<string, unknown>) => C;

export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(
    private readonly aws: Config['aws'],
    private readonly roleName?: string,
    /** Assumed roles need the partition; `aws` unless the account's ARNs say otherwise. */
    private readonly partition = 'aws',
  ) {}

  ec2 = (account: string | null, region: string) => this.client('ec2', EC2Client, account, region);
  cloudtrail = (account: string | null, region: string) => this.client('cloudtrail', CloudTrailClient, account, region);
  iam = (account: string | null) => this.client('iam', IAMClient, account, 'us-east-1');
  s3 = (account: string | null, region: string) => this.client('s3', S3Client, account, region);
  s3control = (account: string | null, region: string) =>
    // Against a local endpoint, S3 Control's `{AccountId}.` host prefix would point nowhere (as in collect).
    this.client('s3control', S3ControlClient, account, region, this.aws.endpoint ? { disableHostPrefix: true, endpointProvider: () => ({ url: new URL(this.aws.endpoint!) }) } : {});

  private client<C>(name: string, Client: Ctor<C>, account: string | null, region: string, extra: Record<string, unknown> = {}): C {
    const key = `${name}|${account ?? ''}|${region}`;
    let c = this.cache.get(key) as C | undefined;
    if (!c) {
      const base = awsClientConfig(this.aws, region);
      const credentials =
        this.roleName && account
          ? fromTemporaryCredentials({
              params: { RoleArn: `arn:${this.partition}:iam::${account}:role/${this.roleName}`, RoleSessionName: 'vigil-enforce' },
              masterCredentials: base.credentials,
              clientConfig: { region, ...(this.aws.endpoint ? { endpoint: this.aws.endpoint } : {}) },
            })
          : base.credentials;
      c = new Client({ ...base, credentials, maxAttempts: 3, ...extra });
      this.cache.set(key, c);
    }
    return c;
  }
}
