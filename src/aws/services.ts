/**
 * The AWS services vigil collects, by CloudMapper's file prefix (`<prefix>-<call>`): which SDK v3 client,
 * which signing name (the credential scope the simulated AWS routes on) and which wire protocol.
 * Clients are loaded on first use: the EC2 client alone takes a noticeable time to import.
 */
export type WireProtocol = 'ec2' | 'query' | 'json' | 'restJson' | 'restXml';

export interface ServiceDef {
  /** CloudMapper's prefix. */
  prefix: string;
  pkg: string;
  client: string;
  signing: string;
  protocol: WireProtocol;
  /** Global services are called once per account, in the partition's home region. */
  global?: boolean;
  /** The API version query-protocol requests carry (tells ELB from ELBv2, which share a signing name). */
  version?: string;
}

export const SERVICES: ServiceDef[] = [
  { prefix: 'accessanalyzer', pkg: '@aws-sdk/client-accessanalyzer', client: 'AccessAnalyzerClient', signing: 'access-analyzer', protocol: 'restJson' },
  { prefix: 'cloudfront', pkg: '@aws-sdk/client-cloudfront', client: 'CloudFrontClient', signing: 'cloudfront', protocol: 'restXml', global: true },
  { prefix: 'cloudtrail', pkg: '@aws-sdk/client-cloudtrail', client: 'CloudTrailClient', signing: 'cloudtrail', protocol: 'json' },
  { prefix: 'cloudwatch', pkg: '@aws-sdk/client-cloudwatch', client: 'CloudWatchClient', signing: 'monitoring', protocol: 'json' },
  { prefix: 'logs', pkg: '@aws-sdk/client-cloudwatch-logs', client: 'CloudWatchLogsClient', signing: 'logs', protocol: 'json' },
  { prefix: 'config', pkg: '@aws-sdk/client-config-service', client: 'ConfigServiceClient', signing: 'config', protocol: 'json' },
  { prefix: 'ec2', pkg: '@aws-sdk/client-ec2', client: 'EC2Client', signing: 'ec2', protocol: 'ec2' },
  { prefix: 'ecr', pkg: '@aws-sdk/client-ecr', client: 'ECRClient', signing: 'ecr', protocol: 'json' },
  { prefix: 'efs', pkg: '@aws-sdk/client-efs', client: 'EFSClient', signing: 'elasticfilesystem', protocol: 'restJson' },
  { prefix: 'elb', pkg: '@aws-sdk/client-elastic-load-balancing', client: 'ElasticLoadBalancingClient', signing: 'elasticloadbalancing', protocol: 'query', version: '2012-06-01' },
  { prefix: 'elbv2', pkg: '@aws-sdk/client-elastic-load-balancing-v2', client: 'ElasticLoadBalancingV2Client', signing: 'elasticloadbalancing', protocol: 'query', version: '2015-12-01' },
  { prefix: 'es', pkg: '@aws-sdk/client-elasticsearch-service', client: 'ElasticsearchServiceClient', signing: 'es', protocol: 'restJson' },
  { prefix: 'opensearch', pkg: '@aws-sdk/client-opensearch', client: 'OpenSearchClient', signing: 'es', protocol: 'restJson' },
  { prefix: 'glacier', pkg: '@aws-sdk/client-glacier', client: 'GlacierClient', signing: 'glacier', protocol: 'restJson' },
  { prefix: 'guardduty', pkg: '@aws-sdk/client-guardduty', client: 'GuardDutyClient', signing: 'guardduty', protocol: 'restJson' },
  { prefix: 'iam', pkg: '@aws-sdk/client-iam', client: 'IAMClient', signing: 'iam', protocol: 'query', global: true },
  { prefix: 'kms', pkg: '@aws-sdk/client-kms', client: 'KMSClient', signing: 'kms', protocol: 'json' },
  { prefix: 'lambda', pkg: '@aws-sdk/client-lambda', client: 'LambdaClient', signing: 'lambda', protocol: 'restJson' },
  { prefix: 'lightsail', pkg: '@aws-sdk/client-lightsail', client: 'LightsailClient', signing: 'lightsail', protocol: 'json' },
  { prefix: 'organizations', pkg: '@aws-sdk/client-organizations', client: 'OrganizationsClient', signing: 'organizations', protocol: 'json', global: true },
  { prefix: 'rds', pkg: '@aws-sdk/client-rds', client: 'RDSClient', signing: 'rds', protocol: 'query' },
  { prefix: 'redshift', pkg: '@aws-sdk/client-redshift', client: 'RedshiftClient', signing: 'redshift', protocol: 'query' },
  { prefix: 'route53', pkg: '@aws-sdk/client-route-53', client: 'Route53Client', signing: 'route53', protocol: 'restXml', global: true },
  { prefix: 'route53domains', pkg: '@aws-sdk/client-route-53-domains', client: 'Route53DomainsClient', signing: 'route53domains', protocol: 'json', global: true },
  // Before s3: both sign as s3, and S3 Control's routes (/v20180820/...) are tried first so S3's greedy
  // /{Bucket}/{Key+} route does not claim them in the simulated AWS.
  { prefix: 's3control', pkg: '@aws-sdk/client-s3-control', client: 'S3ControlClient', signing: 's3', protocol: 'restXml', global: true },
  { prefix: 's3', pkg: '@aws-sdk/client-s3', client: 'S3Client', signing: 's3', protocol: 'restXml', global: true },
  { prefix: 'secretsmanager', pkg: '@aws-sdk/client-secrets-manager', client: 'SecretsManagerClient', signing: 'secretsmanager', protocol: 'json' },
  { prefix: 'securityhub', pkg: '@aws-sdk/client-securityhub', client: 'SecurityHubClient', signing: 'securityhub', protocol: 'restJson' },
  { prefix: 'sns', pkg: '@aws-sdk/client-sns', client: 'SNSClient', signing: 'sns', protocol: 'query' },
  { prefix: 'sqs', pkg: '@aws-sdk/client-sqs', client: 'SQSClient', signing: 'sqs', protocol: 'json' },
  { prefix: 'sts', pkg: '@aws-sdk/client-sts', client: 'STSClient', signing: 'sts', protocol: 'query', global: true },
];

const byPrefix = new Map(SERVICES.map((s) => [s.prefix, s]));

export function serviceDef(prefix: string): ServiceDef {
  const def = byPrefix.get(prefix);
  if (!def) throw new Error(`unknown service prefix ${prefix}`);
  return def;
}

/** A loaded client package: the client class and the operation schemas it exports (`<Operation>$`). */
export interface ServiceModule {
  def: ServiceDef;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Client: new (config: any) => { send(command: any, opts?: any): Promise<any>; destroy(): void; config: any };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Command(op: string): new (input: any) => any;
  operation(op: string): OperationSchema | undefined;
  /** Every operation the client knows, by name. */
  operations(): [string, OperationSchema][];
}

/** The SDK's static operation schema: [9, namespace, name, traits, input, output]. */
export type OperationSchema = [number, string, string, Record<string, unknown>, unknown, unknown];

const loaded = new Map<string, Promise<ServiceModule>>();

// The SDK warns on every run under Node 20 about releases after January 2027; vigil pins its SDK versions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function loadService(prefix: string): Promise<ServiceModule> {
  let p = loaded.get(prefix);
  if (!p) {
    const def = serviceDef(prefix);
    p = import(def.pkg).then((mod: Record<string, unknown>) => {
      const Client = mod[def.client] as ServiceModule['Client'];
      if (!Client) throw new Error(`${def.pkg} has no ${def.client}`);
      return {
        def,
        Client,
        Command(op: string) {
          const C = mod[`${op}Command`] as ReturnType<ServiceModule['Command']> | undefined;
          if (!C) throw new Error(`${def.pkg} has no ${op}Command`);
          return C;
        },
        operation: (op: string) => mod[`${op}$`] as OperationSchema | undefined,
        operations: () =>
          Object.entries(mod)
            .filter(([k, v]) => k.endsWith('$') && Array.isArray(v) && v[0] === 9)
            .map(([k, v]) => [k.slice(0, -1), v as OperationSchema]),
      };
    });
    loaded.set(prefix, p);
  }
  return p;
}

/** botocore's xform_name: DescribeDBInstances → describe-db-instances (CloudMapper's file names). */
export function callName(prefix: string, op: string): string {
  const snake = op
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return `${prefix}-${snake.replaceAll('_', '-')}`;
}
