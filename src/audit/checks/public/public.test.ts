import { describe } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { policyDoc } from '../../lib/fixtures.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { PUBLIC_CHECKS } from './index.js';

const R = 'us-west-2';
const snap = (calls: Record<string, unknown>) => memorySnapshot({ calls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [`${R}/${k}`, v])) });
const missing = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const OPEN = policyDoc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'x:Do', Resource: '*' });
const PINNED = policyDoc({ Effect: 'Allow', Principal: '*', Action: 'x:Do', Resource: '*', Condition: { StringEquals: { 'AWS:SourceOwner': '111122223333' } } });
const IFEXISTS = policyDoc({ Effect: 'Allow', Principal: '*', Action: 'x:Do', Resource: '*', Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } } });
const s = JSON.stringify;

interface Family {
  list: string;
  listData: unknown;
  call: string;
  param: string;
  wrap: (policy: string) => unknown;
}
const FAMILIES: Record<string, Family> = {
  ecr_repository_not_public: { list: 'ecr-describe-repositories', listData: { repositories: [{ repositoryName: 'r', repositoryArn: 'arn:aws:ecr:us-west-2:111122223333:repository/r' }] }, call: 'ecr-get-repository-policy', param: 'r', wrap: (p) => ({ policyText: p }) },
  lambda_function_not_public: { list: 'lambda-list-functions', listData: { Functions: [{ FunctionName: 'f', FunctionArn: 'arn:aws:lambda:us-west-2:111122223333:function:f' }] }, call: 'lambda-get-policy', param: 'f', wrap: (p) => ({ Policy: p }) },
  sqs_queue_not_public: { list: 'sqs-list-queues', listData: { QueueUrls: ['https://sqs.us-west-2.amazonaws.com/111122223333/q'] }, call: 'sqs-get-queue-attributes', param: 'https://sqs.us-west-2.amazonaws.com/111122223333/q', wrap: (p) => ({ Attributes: { Policy: p } }) },
  sns_topic_not_public: { list: 'sns-list-topics', listData: { Topics: [{ TopicArn: 'arn:aws:sns:us-west-2:111122223333:t' }] }, call: 'sns-get-topic-attributes', param: 'arn:aws:sns:us-west-2:111122223333:t', wrap: (p) => ({ Attributes: { Policy: p } }) },
  kms_key_not_public: { list: 'kms-list-keys', listData: { Keys: [{ KeyId: 'k1' }] }, call: 'kms-get-key-policy', param: 'k1', wrap: (p) => ({ Policy: p }) },
  glacier_vault_not_public: { list: 'glacier-list-vaults', listData: { VaultList: [{ VaultName: 'v', VaultARN: 'arn:aws:glacier:us-west-2:111122223333:vaults/v' }] }, call: 'glacier-get-vault-access-policy', param: 'v', wrap: (p) => ({ policy: { Policy: p } }) },
  secretsmanager_secret_not_public: { list: 'secretsmanager-list-secrets', listData: { SecretList: [{ Name: 'sec', ARN: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:sec-abc' }] }, call: 'secretsmanager-get-resource-policy', param: 'sec', wrap: (p) => ({ Name: 'sec', ResourcePolicy: p }) },
};

const table: Record<string, Cases> = {};
for (const [id, f] of Object.entries(FAMILIES)) {
  const withPolicy = (p: unknown) => snap({ [f.list]: f.listData, [`${f.call}/${f.param}`]: p });
  table[id] = {
    pass: withPolicy(f.wrap(s(PINNED))),
    fail: withPolicy(f.wrap(s(IFEXISTS))),
    unknown: [missing, snap({ [f.list]: fail() }), snap({ [f.list]: f.listData }), withPolicy(fail())],
  };
}
const domain = (status: Record<string, unknown>) =>
  snap({ 'es-list-domain-names': { DomainNames: [{ DomainName: 'd' }] }, 'es-describe-elasticsearch-domain/d': { DomainStatus: { DomainName: 'd', ...status } } });
table.opensearch_domain_not_public = {
  pass: domain({ Endpoints: { vpc: 'vpc-d.es.amazonaws.com' }, AccessPolicies: s(OPEN) }),
  fail: domain({ Endpoint: 'search-d.es.amazonaws.com', AccessPolicies: s(OPEN) }),
  unknown: [missing, snap({ 'es-list-domain-names': { DomainNames: [{ DomainName: 'd' }] } })],
};

describe('public resource policy checks', () => {
  runAllCases(PUBLIC_CHECKS, table);
});
