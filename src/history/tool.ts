/**
 * Which tool made a call, from its user agent (and, for services, userIdentity.invokedBy). First match wins, so
 * the table lists wrappers before what they wrap: Terraform and CDK ride on the Go and JS SDKs, and the AWS CLI
 * on botocore.
 */
import { str } from './event.js';
import type { TrailRecord } from './types.js';

export type ToolName =
  | 'console'
  | 'aws-cli'
  | 'sdk'
  | 'terraform'
  | 'cloudformation'
  | 'cdk'
  | 'pulumi'
  | 'aws-service'
  | 'unknown';

export interface Tool {
  tool: ToolName;
  /** The product/version that was recognised (`Terraform/1.7.0`, `Boto3/1.34.2`, `cloudformation.amazonaws.com`). */
  detail: string | null;
}

interface UaRule {
  tool: ToolName;
  /** Matched against the user agent; group 0 (or 1 when present) is the detail. */
  re: RegExp;
}

const UA_RULES: UaRule[] = [
  { tool: 'console', re: /^(signin\.amazonaws\.com)$/i },
  { tool: 'console', re: /\b(console\.(?:[a-z0-9-]+\.)?amazonaws\.com)\b/i },
  { tool: 'cloudformation', re: /\b(cloudformation\.amazonaws\.com)\b/i },
  { tool: 'cdk', re: /\b(aws-cdk\/[\w.-]+)/i },
  { tool: 'terraform', re: /\b(Terraform\/[\w.-]+)/i },
  { tool: 'terraform', re: /\b(terraform-provider-aws\/[\w.-]+)/i },
  { tool: 'pulumi', re: /\b(pulumi(?:-aws)?\/[\w.-]+)/i },
  { tool: 'pulumi', re: /\b(Pulumi)\b/ },
  { tool: 'aws-cli', re: /\b(aws-cli\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(Boto3\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(botocore\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-js(?:-v3)?\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-nodejs\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-go(?:-v2)?\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-java\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-dotnet[\w-]*\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-ruby\d?\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-php\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-rust\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(aws-sdk-cpp\/[\w.-]+)/i },
  { tool: 'sdk', re: /\b(AWSPowerShell(?:\.Common)?\/[\w.-]+)/i },
  // A browser: the console (CloudShell and the SDKs never send Mozilla/...).
  { tool: 'console', re: /^(Mozilla\/[\w.]+)/ },
];

/** The tool behind a record: the console, a CLI/SDK/IaC tool, an AWS service acting on its own, or unknown. */
export function toolOf(rec: TrailRecord): Tool {
  const ua = str(rec, 'userAgent') ?? '';
  const invokedBy = str(rec, 'userIdentity.invokedBy');
  // CloudFormation's calls carry invokedBy and its own user agent; other services acting for a principal too.
  if (invokedBy && /cloudformation\.amazonaws\.com/i.test(invokedBy)) return { tool: 'cloudformation', detail: invokedBy };
  for (const r of UA_RULES) {
    const m = r.re.exec(ua);
    if (m) return { tool: r.tool, detail: m[1] ?? m[0] };
  }
  // The console's own back end calls with "AWS Internal" on a console session.
  if (/^AWS Internal$/i.test(ua) && consoleSession(rec)) return { tool: 'console', detail: ua };
  if (invokedBy) return { tool: 'aws-service', detail: invokedBy };
  if (str(rec, 'userIdentity.type') === 'AWSService') return { tool: 'aws-service', detail: str(rec, 'userIdentity.invokedBy') ?? (ua || null) };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/i.test(ua) || /^AWS Internal$/i.test(ua)) return { tool: 'aws-service', detail: ua };
  return { tool: 'unknown', detail: ua || null };
}

function consoleSession(rec: TrailRecord): boolean {
  const v = rec.sessionCredentialFromConsole;
  return v === true || v === 'true';
}
