import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { Config } from '../../config/schema.js';

/** SDK client settings from the `aws:` section: region, endpoint override (simulated AWS), profile's credentials. */
export function awsClientConfig(aws: Config['aws'], region?: string): { region: string; endpoint?: string; credentials: ReturnType<typeof fromNodeProviderChain>; forcePathStyle?: boolean } {
  return {
    region: region ?? aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(aws.endpoint ? { endpoint: aws.endpoint, forcePathStyle: true } : {}),
    credentials: fromNodeProviderChain(aws.profile ? { profile: aws.profile } : {}),
  };
}
