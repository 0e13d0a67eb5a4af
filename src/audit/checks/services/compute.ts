/** Lambda, ECR and Secrets Manager hygiene, one row per control. */
import type { Check } from '../../check.js';
import { arr, tagsOf } from '../../lib/snapshot.js';
import { attributeChecks } from '../../lib/table.js';

/** Runtimes past their Lambda deprecation date. */
export const DEPRECATED_RUNTIMES = new Set([
  'nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x',
  'python2.7', 'python3.6', 'python3.7', 'python3.8',
  'ruby2.5', 'ruby2.7',
  'java8',
  'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet5.0', 'dotnet6',
  'go1.x', 'provided',
]);

export const COMPUTE_CHECKS: Check[] = [
  ...attributeChecks(
    {
      service: 'lambda',
      resourceType: 'AwsLambdaFunction',
      spec: { call: 'lambda-list-functions', items: (d) => arr(d.Functions), id: (f) => f.FunctionArn, name: (f) => f.FunctionName },
    },
    [
      {
        id: 'lambda_function_supported_runtime',
        title: 'Lambda functions use a supported runtime',
        severity: 'medium',
        description: 'The function runtime is not one Lambda has deprecated (no more security patches). Container-image functions have no runtime and are skipped.',
        risk: 'Deprecated runtimes no longer receive security updates.',
        bad: (f) => (!f.Runtime ? null : DEPRECATED_RUNTIMES.has(f.Runtime) ? `deprecated runtime ${f.Runtime}` : undefined),
        console: 'Lambda > function > Runtime settings > Edit > a supported runtime.',
        cli: 'aws lambda update-function-configuration --function-name <name> --runtime <runtime>',
        references: ['https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html'],
        fsbp: ['Lambda.2'],
      },
      {
        id: 'lambda_function_in_vpc',
        title: 'Lambda functions run in a VPC',
        severity: 'low',
        description: 'The function has a VpcConfig with a VpcId.',
        risk: 'The function reaches the internet and your resources without network controls.',
        bad: (f) => (!f.VpcConfig?.VpcId ? 'not in a VPC' : undefined),
        console: 'Lambda > function > Configuration > VPC > Edit.',
        fsbp: ['Lambda.3'],
      },
    ],
  ),
  ...attributeChecks(
    {
      service: 'ecr',
      resourceType: 'AwsEcrRepository',
      spec: { call: 'ecr-describe-repositories', items: (d) => arr(d.repositories), id: (r) => r.repositoryArn, name: (r) => r.repositoryName },
    },
    [
      {
        id: 'ecr_repository_scan_on_push',
        title: 'ECR repositories scan images on push',
        severity: 'low',
        description: 'imageScanningConfiguration.scanOnPush is true (or the registry uses enhanced scanning).',
        risk: 'Images with known vulnerabilities are deployed unnoticed.',
        bad: (r) => (r.imageScanningConfiguration?.scanOnPush !== true ? 'scan on push off' : undefined),
        console: 'ECR > repository > Edit > Scan on push.',
        cli: 'aws ecr put-image-scanning-configuration --repository-name <name> --image-scanning-configuration scanOnPush=true',
        fsbp: ['ECR.1'],
      },
      {
        id: 'ecr_repository_tag_immutable',
        title: 'ECR repositories have immutable tags',
        severity: 'low',
        description: 'imageTagMutability is IMMUTABLE.',
        risk: 'A pushed image can silently replace the one a tag pointed to.',
        bad: (r) => (r.imageTagMutability !== 'IMMUTABLE' ? `tags ${r.imageTagMutability ?? 'MUTABLE'}` : undefined),
        console: 'ECR > repository > Edit > Tag immutability.',
        cli: 'aws ecr put-image-tag-mutability --repository-name <name> --image-tag-mutability IMMUTABLE',
        fsbp: ['ECR.2'],
      },
    ],
  ),
  ...attributeChecks(
    {
      service: 'secretsmanager',
      resourceType: 'AwsSecretsManagerSecret',
      spec: { call: 'secretsmanager-list-secrets', items: (d) => arr(d.SecretList), id: (s) => s.ARN, name: (s) => s.Name, tags: (s) => tagsOf(s.Tags) },
    },
    [
      {
        id: 'secretsmanager_rotation_enabled',
        title: 'Secrets Manager secrets rotate automatically',
        severity: 'medium',
        description: 'RotationEnabled is true.',
        risk: 'A leaked secret stays valid indefinitely.',
        bad: (s) => (s.RotationEnabled !== true ? 'rotation off' : undefined),
        console: 'Secrets Manager > secret > Rotation > Edit rotation.',
        cli: 'aws secretsmanager rotate-secret --secret-id <name> --rotation-lambda-arn <arn> --rotation-rules AutomaticallyAfterDays=30',
        fsbp: ['SecretsManager.1'],
      },
    ],
  ),
];
