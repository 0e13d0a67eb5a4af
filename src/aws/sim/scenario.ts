/**
 * A scenario for the simulated AWS: an organisation's accounts, their enabled and opt-in regions, the
 * responses each call gives (in CloudMapper's shapes: what the SDK returns, times as ISO strings), and faults.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../../util/errors.js';

const FaultSchema = z
  .object({
    account: z.string().optional(),
    region: z.string().optional(),
    /** A call name (`kms-list-keys`), a glob on names (`kms-*`), or `*`. */
    call: z.string().default('*'),
    /** Only for this parameter of a parameterised call. */
    param: z.string().optional(),
    error: z.enum(['denied', 'throttle', 'timeout']),
    /** Fail only the first N matching requests (throttle bursts, transient timeouts); default: always. */
    times: z.number().int().min(1).optional(),
  })
  .strict();

/** Responses per call name; a parameterised call holds `$params: { <param>: response }`. */
const RegionDataSchema = z.record(z.string(), z.unknown());

const AccountSchema = z
  .object({
    id: z.string().regex(/^\d{12}$/, 'an account id is 12 digits'),
    name: z.string(),
    status: z.enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE']).default('ACTIVE'),
    email: z.string().optional(),
    /** Regions enabled for the account (opt-in regions listed here are opted in). */
    regions: z.array(z.string()).min(1),
    /** Opt-in regions the account has not enabled: calls there fail as AWS fails them. */
    disabledRegions: z.array(z.string()).default([]),
    /** Responses: `global` (home region), a region name, or `*` (every enabled region). */
    data: z.record(z.string(), RegionDataSchema).default({}),
  })
  .strict();

export const ScenarioSchema = z
  .object({
    partition: z.enum(['aws', 'aws-us-gov', 'aws-cn']).default('aws'),
    /** The account the base credentials belong to (the organisation's management account). */
    management: z.string().optional(),
    /** Role names AssumeRole accepts (default: any). */
    roleNames: z.array(z.string()).optional(),
    externalId: z.string().optional(),
    /** Items per page of every paginated call (MaxResults lowers it). */
    pageSize: z.number().int().min(1).default(50),
    latencyMs: z.number().min(0).default(0),
    /** Requests per second per account, region and service prefix (`ec2`, `iam`...); burst: one second's worth. */
    rateLimits: z.record(z.string(), z.number().positive()).default({}),
    faults: z.array(FaultSchema).default([]),
    accounts: z.array(AccountSchema).min(1),
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioAccount = Scenario['accounts'][number];
export type Fault = Scenario['faults'][number];

export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const r = ScenarioSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UsageError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseScenario(data, path);
}

export const HOME_REGION = { aws: 'us-east-1', 'aws-us-gov': 'us-gov-west-1', 'aws-cn': 'cn-north-1' } as const;
