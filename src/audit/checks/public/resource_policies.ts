/**
 * "Public resource policy" family: one row per service (list call, per-item policy call, where the policy sits),
 * one shared decision (Principal * without a restricting condition), one registered check per row.
 */
import type { Check } from '../../check.js';
import { publicStatements, statements } from '../../lib/policy.js';
import { arr, get, parseJson, tagsOf, type Json } from '../../lib/snapshot.js';
import { attributeChecks } from '../../lib/table.js';

interface Row {
  id: string;
  service: string;
  resourceType: string;
  what: string;
  severity: Check['severity'];
  list: string;
  items: (d: Json) => Json[];
  arn: (item: Json, w: { partition: string; region: string; account: string }) => string;
  name: (item: Json) => string;
  /** The per-item call and its parameter. */
  policyCall: string;
  param: (item: Json) => string;
  /** The policy document out of the per-item response (undefined: no policy). */
  policy: (d: Json) => unknown;
  console: string;
  cli: string;
  cloudmapper?: string;
  fsbp?: string[];
  risk: string;
}

const ROWS: Row[] = [
  {
    id: 'ecr_repository_not_public',
    service: 'ecr',
    resourceType: 'AwsEcrRepository',
    what: 'ECR repository',
    severity: 'medium',
    list: 'ecr-describe-repositories',
    items: (d) => arr(d.repositories),
    arn: (r) => r.repositoryArn,
    name: (r) => r.repositoryName,
    policyCall: 'ecr-get-repository-policy',
    param: (r) => r.repositoryName,
    policy: (d) => d.policyText,
    console: 'ECR > Repositories > repository > Permissions > remove the statement for "*".',
    cli: 'aws ecr delete-repository-policy --repository-name <name>',
    cloudmapper: 'ECR_PUBLIC',
    risk: 'Anyone can pull the images and read whatever is baked into them.',
  },
  {
    id: 'lambda_function_not_public',
    service: 'lambda',
    resourceType: 'AwsLambdaFunction',
    what: 'Lambda function',
    severity: 'high',
    list: 'lambda-list-functions',
    items: (d) => arr(d.Functions),
    arn: (f) => f.FunctionArn,
    name: (f) => f.FunctionName,
    policyCall: 'lambda-get-policy',
    param: (f) => f.FunctionName,
    policy: (d) => d.Policy,
    console: 'Lambda > function > Configuration > Permissions > Resource-based policy: remove the "*" statement.',
    cli: 'aws lambda remove-permission --function-name <name> --statement-id <sid>',
    cloudmapper: 'LAMBDA_PUBLIC',
    fsbp: ['Lambda.1'],
    risk: 'Anyone can invoke the function (and run up cost or reach what it can reach).',
  },
  {
    id: 'sqs_queue_not_public',
    service: 'sqs',
    resourceType: 'AwsSqsQueue',
    what: 'SQS queue',
    severity: 'medium',
    list: 'sqs-list-queues',
    items: (d) => arr<string>(d.QueueUrls).map((url) => ({ url, name: url.split('/').pop() })),
    arn: (q, w) => `arn:${w.partition}:sqs:${w.region}:${String(q.url).split('/').slice(-2)[0]}:${q.name}`,
    name: (q) => q.name,
    policyCall: 'sqs-get-queue-attributes',
    param: (q) => q.url,
    policy: (d) => d.Attributes?.Policy,
    console: 'SQS > queue > Access policy: replace Principal "*" with named accounts.',
    cli: 'aws sqs set-queue-attributes --queue-url <url> --attributes Policy=file://policy.json',
    cloudmapper: 'SQS_PUBLIC',
    risk: 'Anyone can send, read or delete messages.',
  },
  {
    id: 'sns_topic_not_public',
    service: 'sns',
    resourceType: 'AwsSnsTopic',
    what: 'SNS topic',
    severity: 'medium',
    list: 'sns-list-topics',
    items: (d) => arr(d.Topics),
    arn: (t) => t.TopicArn,
    name: (t) => String(t.TopicArn).split(':').pop() ?? t.TopicArn,
    policyCall: 'sns-get-topic-attributes',
    param: (t) => t.TopicArn,
    policy: (d) => d.Attributes?.Policy,
    console: 'SNS > topic > Access policy: add an aws:SourceOwner/SourceAccount condition or name principals.',
    cli: 'aws sns set-topic-attributes --topic-arn <arn> --attribute-name Policy --attribute-value file://policy.json',
    cloudmapper: 'SNS_PUBLIC',
    fsbp: ['SNS.4'],
    risk: 'Anyone can publish to or subscribe to the topic.',
  },
  {
    id: 'kms_key_not_public',
    service: 'kms',
    resourceType: 'AwsKmsKey',
    what: 'KMS key',
    severity: 'high',
    list: 'kms-list-keys',
    items: (d) => arr(d.Keys),
    arn: (k, w) => k.KeyArn ?? `arn:${w.partition}:kms:${w.region}:${w.account}:key/${k.KeyId}`,
    name: (k) => k.KeyId,
    policyCall: 'kms-get-key-policy',
    param: (k) => k.KeyId,
    policy: (d) => d.Policy,
    console: 'KMS > key > Key policy: remove Principal "*" statements or pin them with kms:CallerAccount.',
    cli: 'aws kms put-key-policy --key-id <id> --policy-name default --policy file://policy.json',
    cloudmapper: 'KMS_PUBLIC',
    fsbp: ['KMS.5'],
    risk: 'Anyone may decrypt data or use the key.',
  },
  {
    id: 'glacier_vault_not_public',
    service: 'glacier',
    resourceType: 'AwsGlacierVault',
    what: 'Glacier vault',
    severity: 'medium',
    list: 'glacier-list-vaults',
    items: (d) => arr(d.VaultList),
    arn: (v) => v.VaultARN,
    name: (v) => v.VaultName,
    policyCall: 'glacier-get-vault-access-policy',
    param: (v) => v.VaultName,
    policy: (d) => d.policy?.Policy,
    console: 'S3 Glacier > vault > Permissions: restrict the vault access policy to named accounts.',
    cli: 'aws glacier delete-vault-access-policy --account-id - --vault-name <name>',
    cloudmapper: 'GLACIER_PUBLIC',
    risk: 'Anyone may read or delete archives.',
  },
  {
    id: 'secretsmanager_secret_not_public',
    service: 'secretsmanager',
    resourceType: 'AwsSecretsManagerSecret',
    what: 'Secrets Manager secret',
    severity: 'critical',
    list: 'secretsmanager-list-secrets',
    items: (d) => arr(d.SecretList),
    arn: (s) => s.ARN,
    name: (s) => s.Name,
    policyCall: 'secretsmanager-get-resource-policy',
    param: (s) => s.Name,
    policy: (d) => d.ResourcePolicy,
    console: 'Secrets Manager > secret > Resource permissions: remove the "*" statement.',
    cli: 'aws secretsmanager delete-resource-policy --secret-id <name>',
    risk: 'Anyone may read the secret value.',
  },
];

export const PUBLIC_POLICY_CHECKS: Check[] = ROWS.flatMap((row) =>
  attributeChecks(
    {
      service: row.service,
      resourceType: row.resourceType,
      spec: { call: row.list, items: row.items, id: (i, w) => row.arn(i, w), name: row.name, tags: (i) => tagsOf(i.Tags) },
    },
    [
      {
        id: row.id,
        title: `${row.what}s are not public`,
        severity: row.severity,
        description: `The ${row.what}'s resource policy allows Principal "*" (or a NotPrincipal) without a condition that pins callers to accounts, organisations, networks or source resources. Checked in every region collected.`,
        risk: row.risk,
        console: row.console,
        cli: row.cli,
        fsbp: row.fsbp,
        cloudmapper: row.cloudmapper,
        passReason: 'no public statement',
        bad: (item, w, snap) => {
          const got = get(snap, w.account, w.region, row.policyCall, row.param(item));
          if (!got.ok) return got.notFound ? undefined : { unknown: got.reason };
          const doc = parseJson(row.policy(got.data));
          if (doc === undefined) return undefined;
          const stmts = statements(doc);
          if (!stmts) return { unknown: 'unreadable policy' };
          const open = publicStatements(stmts);
          return open.length ? `public: ${open.flatMap((s) => s.actions).join(', ') || 'NotAction/NotPrincipal statement'}` : undefined;
        },
      },
    ],
  ),
);
