/**
 * CloudTrail event → the IAM action(s) it authorises. Most events are `<service prefix>:<eventName>`; this module
 * holds the maintained exceptions: event sources whose IAM prefix differs (monitoring → cloudwatch), event names
 * that are not action names (S3's ListObjects → s3:ListBucket, HeadObject → s3:GetObject), versioned API names
 * (Lambda's `GetFunction20150331v2`, CloudFront's `ListDistributions2020_05_31`), and sign-in events that no IAM
 * action governs. Add a case here when a real log shows another one.
 */

/** eventSource host label → IAM service prefix, where they differ. */
const SERVICE_PREFIX: Record<string, string> = {
  monitoring: 'cloudwatch',
  email: 'ses',
  tagging: 'tag',
  'streams.dynamodb': 'dynamodb',
  'models.lex': 'lex',
  'runtime.lex': 'lex',
  'metering-marketplace': 'aws-marketplace',
  'data.iot': 'iot',
  'api.ecr': 'ecr',
  'api.mediatailor': 'mediatailor',
  'sso-oauth': 'sso-oauth',
};

/** `source:EventName` → actions, for the events whose name is not their action. Sources by IAM prefix. */
const EVENT_ACTIONS: Record<string, string[]> = {
  // S3: ListObjects is authorised by ListBucket, HEAD by GET, multipart and copy by PutObject (and GetObject).
  's3:ListObjects': ['s3:ListBucket'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:ListObjectVersions': ['s3:ListBucketVersions'],
  's3:HeadBucket': ['s3:ListBucket'],
  's3:HeadObject': ['s3:GetObject'],
  's3:SelectObjectContent': ['s3:GetObject'],
  's3:ListBuckets': ['s3:ListAllMyBuckets'],
  's3:CreateMultipartUpload': ['s3:PutObject'],
  's3:UploadPart': ['s3:PutObject'],
  's3:CompleteMultipartUpload': ['s3:PutObject'],
  's3:UploadPartCopy': ['s3:PutObject', 's3:GetObject'],
  's3:CopyObject': ['s3:PutObject', 's3:GetObject'],
  's3:DeleteObjects': ['s3:DeleteObject'],
  's3:ListMultipartUploads': ['s3:ListBucketMultipartUploads'],
  's3:ListParts': ['s3:ListMultipartUploadParts'],
  's3:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3:PutBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3:DeleteBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3:GetBucketLifecycle': ['s3:GetLifecycleConfiguration'],
  's3:GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  's3:PutBucketLifecycle': ['s3:PutLifecycleConfiguration'],
  's3:PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  's3:DeleteBucketLifecycle': ['s3:PutLifecycleConfiguration'],
  's3:GetBucketReplication': ['s3:GetReplicationConfiguration'],
  's3:PutBucketReplication': ['s3:PutReplicationConfiguration'],
  's3:DeleteBucketReplication': ['s3:PutReplicationConfiguration'],
  's3:GetBucketCors': ['s3:GetBucketCORS'],
  's3:PutBucketCors': ['s3:PutBucketCORS'],
  's3:DeleteBucketCors': ['s3:PutBucketCORS'],
  's3:DeleteBucketTagging': ['s3:PutBucketTagging'],
  's3:DeleteBucketPublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  's3:GetBucketAccelerateConfiguration': ['s3:GetAccelerateConfiguration'],
  's3:PutBucketAccelerateConfiguration': ['s3:PutAccelerateConfiguration'],
  's3:GetBucketAnalyticsConfiguration': ['s3:GetAnalyticsConfiguration'],
  's3:ListBucketAnalyticsConfigurations': ['s3:GetAnalyticsConfiguration'],
  's3:PutBucketAnalyticsConfiguration': ['s3:PutAnalyticsConfiguration'],
  's3:DeleteBucketAnalyticsConfiguration': ['s3:PutAnalyticsConfiguration'],
  's3:GetBucketInventoryConfiguration': ['s3:GetInventoryConfiguration'],
  's3:ListBucketInventoryConfigurations': ['s3:GetInventoryConfiguration'],
  's3:PutBucketInventoryConfiguration': ['s3:PutInventoryConfiguration'],
  's3:DeleteBucketInventoryConfiguration': ['s3:PutInventoryConfiguration'],
  's3:GetBucketMetricsConfiguration': ['s3:GetMetricsConfiguration'],
  's3:ListBucketMetricsConfigurations': ['s3:GetMetricsConfiguration'],
  's3:PutBucketMetricsConfiguration': ['s3:PutMetricsConfiguration'],
  's3:DeleteBucketMetricsConfiguration': ['s3:PutMetricsConfiguration'],
  's3:GetBucketIntelligentTieringConfiguration': ['s3:GetIntelligentTieringConfiguration'],
  's3:ListBucketIntelligentTieringConfigurations': ['s3:GetIntelligentTieringConfiguration'],
  's3:PutBucketIntelligentTieringConfiguration': ['s3:PutIntelligentTieringConfiguration'],
  's3:DeleteBucketIntelligentTieringConfiguration': ['s3:PutIntelligentTieringConfiguration'],
  's3:GetObjectLockConfiguration': ['s3:GetBucketObjectLockConfiguration'],
  's3:PutObjectLockConfiguration': ['s3:PutBucketObjectLockConfiguration'],
  's3:GetBucketNotificationConfiguration': ['s3:GetBucketNotification'],
  's3:PutBucketNotificationConfiguration': ['s3:PutBucketNotification'],
  's3:DeleteBucketOwnershipControls': ['s3:PutBucketOwnershipControls'],
  's3:DeleteBucketWebsite': ['s3:DeleteBucketWebsite'],
  // Lambda: Invoke is the data event of lambda:InvokeFunction.
  'lambda:Invoke': ['lambda:InvokeFunction'],
  'lambda:InvokeWithResponseStream': ['lambda:InvokeFunction'],
  // DynamoDB: batch and transactional calls are authorised per item action.
  'dynamodb:TransactGetItems': ['dynamodb:GetItem'],
  'dynamodb:TransactWriteItems': ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  'dynamodb:ExecuteStatement': ['dynamodb:PartiQLSelect'],
  // SQS/SNS batch calls.
  'sqs:SendMessageBatch': ['sqs:SendMessage'],
  'sqs:DeleteMessageBatch': ['sqs:DeleteMessage'],
  'sqs:ChangeMessageVisibilityBatch': ['sqs:ChangeMessageVisibility'],
  'sns:PublishBatch': ['sns:Publish'],
  // KMS: one call, two permissions.
  'kms:ReEncrypt': ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
};

/** Events no IAM action governs: they are not "used privileges". */
const NO_ACTION = new Set([
  'signin:ConsoleLogin',
  'signin:CheckMfa',
  'signin:SwitchRole',
  'signin:ExitRole',
  'signin:RenewRole',
  'signin:CredentialVerification',
  'signin:CredentialChallenge',
  'signin:UserAuthentication',
  'signin:PasswordUpdated',
  'signin:ConsoleSignin',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:GetCallerIdentity',
]);

/** IAM service prefix of an event source (`monitoring.amazonaws.com` → `cloudwatch`). */
export function servicePrefix(eventSource: string): string {
  const host = eventSource.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, '');
  return SERVICE_PREFIX[host] ?? host.split('.')[0]!;
}

/** API Gateway's management API is authorised by HTTP verb, not by operation. */
function apiGatewayAction(name: string): string[] {
  const verb = /^(Get|List)/.test(name) ? 'GET' : /^Create/.test(name) ? 'POST' : /^Delete/.test(name) ? 'DELETE' : /^(Update|Flush)/.test(name) ? 'PATCH' : /^(Put|Import)/.test(name) ? 'PUT' : 'POST';
  return [`apigateway:${verb}`];
}

/** Drops API version suffixes: `GetFunction20150331v2`, `ListTags20170331`, `ListDistributions2020_05_31`. */
export function unversioned(eventName: string): string {
  return eventName.replace(/(\d{8}(v\d+)?|\d{4}_\d{2}_\d{2})$/, '');
}

/** The IAM actions an event authorises ([] for events no IAM action governs). */
export function actionsForEvent(eventSource: string, eventName: string): string[] {
  const svc = servicePrefix(eventSource);
  const name = unversioned(eventName);
  const key = `${svc}:${name}`;
  if (NO_ACTION.has(key)) return [];
  if (svc === 'apigateway') return apiGatewayAction(name);
  return EVENT_ACTIONS[key] ?? [key];
}
