import { z } from 'zod';
import { CollectConfigSchema } from '../collect/config.js';
import { WatchConfigSchema } from '../watch/config.js';
import { SinksConfigSchema } from '../watch/sinks/config.js';
import { EnforceConfigSchema } from '../watch/enforce/config.js';
import { DeployConfigSchema } from '../deploy/config.js';

/** vigil.yaml. Every leaf can be overridden by a VIGIL_* variable (see envName) and most by a flag. */
export const ConfigSchema = z
  .object({
    store: z
      .object({
        path: z.string().default('.vigil/vigil.duckdb').describe('The DuckDB file that holds everything vigil stores.'),
      })
      .strict()
      .default({ path: '.vigil/vigil.duckdb' }),
    aws: z
      .object({
        profile: z.string().optional().describe('Shared-config profile for the standard credential chain.'),
        region: z.string().optional().describe('Region for API calls that need one (e.g. S3 listing).'),
        endpoint: z.string().optional().describe('Endpoint override (S3-compatible servers, simulated AWS).'),
      })
      .strict()
      .default({}),
    lake: z
      .object({
        threads: z.number().int().min(1).max(64).default(2).describe('DuckDB threads for ingestion and queries.'),
        memoryLimit: z.string().default('768MB').describe('DuckDB memory limit (spills to disk beyond it); with Node and the JSON reader, peak RSS stays under 2 GB.'),
        batchBytes: z
          .number()
          .int()
          .min(1)
          .default(96 * 1024 * 1024)
          .describe('Compressed bytes of log files ingested per transaction. Larger batches are faster.'),
        maxObjectBytes: z
          .number()
          .int()
          .min(1024)
          .default(256 * 1024 * 1024)
          .describe('Largest uncompressed log file accepted; larger ones are reported as errors.'),
        downloadConcurrency: z.number().int().min(1).max(256).default(32).describe('Parallel S3 downloads.'),
      })
      .strict()
      .default({
        threads: 2,
        memoryLimit: '768MB',
        batchBytes: 96 * 1024 * 1024,
        maxObjectBytes: 256 * 1024 * 1024,
        downloadConcurrency: 32,
      }),
    collect: CollectConfigSchema.default(CollectConfigSchema.parse({})).describe('Collection: accounts, role to assume, regions, rate limits.'),
    detect: z
      .object({
        params: z
          .record(z.string(), z.union([z.string(), z.array(z.string())]))
          .default({})
          .describe('Placeholder values for rules (%name% with the expand modifier), e.g. approvedRegions: [us-east-1].'),
        rules: z.array(z.string()).default([]).describe('Rule files or directories added to the built-in pack.'),
        exceptions: z.string().optional().describe('The exception table (YAML) used when --exceptions is not given.'),
      })
      .strict()
      .default({ params: {}, rules: [] }),
    athena: z
      .object({
        database: z.string().default('default').describe('Glue database holding the CloudTrail table.'),
        table: z.string().default('cloudtrail_logs').describe("The CloudTrail table's name in Athena."),
        workgroup: z.string().default('primary'),
        outputLocation: z.string().optional().describe('s3:// location for query results (unless the workgroup sets one).'),
        bucket: z.string().optional().describe('The trail bucket (for `vigil athena ddl|setup`).'),
        prefix: z.string().default('').describe('Key prefix before AWSLogs/ in the trail bucket.'),
        orgId: z.string().optional().describe('Organization id (o-...) for an organization trail.'),
        accounts: z.array(z.string()).default([]).describe('Accounts whose logs the table covers (partition projection enum).'),
        regions: z.array(z.string()).default([]).describe('Regions the table covers (partition projection enum).'),
        startDate: z.string().default('2020/01/01').describe('First day of logs (yyyy/MM/dd) for partition projection.'),
        region: z.string().optional().describe('Region of the Athena API.'),
        endpoint: z.string().optional().describe('Endpoint override (tests, VPC endpoints).'),
        pricePerTB: z.number().default(5).describe('USD per TB scanned, to report query cost.'),
      })
      .strict()
      .default({
        database: 'default',
        table: 'cloudtrail_logs',
        workgroup: 'primary',
        prefix: '',
        accounts: [],
        regions: [],
        startDate: '2020/01/01',
        pricePerTB: 5,
      }),
    watch: WatchConfigSchema.default(WatchConfigSchema.parse({})).describe('The watch daemon: sources, schedules, health endpoint.'),
    sinks: SinksConfigSchema.default([]).describe('Where alerts and finding changes are delivered, and which each sink receives.'),
    enforce: EnforceConfigSchema.default(EnforceConfigSchema.parse({})).describe('Automated responses (off and dry-run by default).'),
    deploy: DeployConfigSchema.default(DeployConfigSchema.parse({})).describe('The serverless form on AWS (CDK app).'),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
