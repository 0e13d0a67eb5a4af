/**
 * The settings of each kind of watch source, as they appear in vigil.yaml `watch.sources` (objects) or come from a
 * command-line argument (parseSourceArg in index.ts). Every field has a default but where the data is.
 */
import { z } from 'zod';

const name = z.string().min(1).optional().describe('Names the source in logs, metrics and checkpoints (default: its argument).');
const seconds = (def: number, what: string) => z.number().min(0).default(def).describe(what);

export const SqsSourceSchema = z
  .object({
    type: z.literal('sqs'),
    name,
    queue: z.string().min(1).describe('Queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>) or queue name.'),
    endpoint: z.string().optional().describe('SQS endpoint override; default: the queue URL itself, else aws.endpoint.'),
    s3Endpoint: z.string().optional().describe('S3 endpoint for the notified objects; default: aws.endpoint.'),
    waitSeconds: z.number().int().min(0).max(20).default(20).describe('Long-poll wait of each receive (SQS allows up to 20).'),
    maxMessages: z.number().int().min(1).max(10).default(10).describe('Messages per receive (SQS allows up to 10).'),
    visibilitySeconds: z
      .number()
      .int()
      .min(1)
      .max(43_200)
      .default(120)
      .describe('Visibility timeout asked on receive; in-flight messages are extended by it every half of it (heartbeat).'),
    retryDelaySeconds: seconds(2, 'A nacked message comes back after this, doubled per receive (at most 5 minutes); 0: at once.'),
    concurrency: z.number().int().min(1).max(64).default(8).describe('Parallel S3 downloads.'),
  })
  .strict();

export const S3PollSourceSchema = z
  .object({
    type: z.literal('s3'),
    name,
    url: z.string().regex(/^s3:\/\/[^/]+/, 'an s3://bucket/prefix URL').describe('s3://bucket/prefix of the trail (above or at AWSLogs/).'),
    endpoint: z.string().optional().describe('S3 endpoint override; default: aws.endpoint.'),
    intervalSeconds: seconds(60, 'Time between two listings.'),
    lookbackDays: z.number().int().min(0).max(31).default(1).describe("Delivery days listed before today's (1: yesterday and today)."),
    discoverMinutes: z.number().min(0).default(60).describe('How often accounts and regions are looked for again (new accounts, regions enabled).'),
    accounts: z.array(z.string()).optional().describe('Only these accounts (default: every account found).'),
    regions: z.array(z.string()).optional().describe('Only these regions (default: every region found).'),
    maxFiles: z.number().int().min(1).default(200).describe('Files downloaded and handed out per poll at most (the rest at the next).'),
    concurrency: z.number().int().min(1).max(64).default(8).describe('Parallel S3 listings and downloads.'),
  })
  .strict();

export const DirSourceSchema = z
  .object({
    type: z.literal('dir'),
    name,
    path: z.string().min(1).describe('Directory watched (any depth) for .json, .json.gz, .ndjson and .jsonl files.'),
    intervalSeconds: seconds(2, 'Time between two scans; a file is taken once its size is the same in two scans.'),
  })
  .strict();

export const StdinSourceSchema = z
  .object({
    type: z.literal('stdin'),
    name,
    maxBatch: z.number().int().min(1).default(1000).describe('NDJSON records per item at most.'),
  })
  .strict();

export const SourceConfigSchema = z.discriminatedUnion('type', [SqsSourceSchema, S3PollSourceSchema, DirSourceSchema, StdinSourceSchema]);
export type SourceConfig = z.infer<typeof SourceConfigSchema>;
export type SqsSourceConfig = z.infer<typeof SqsSourceSchema>;
export type S3PollSourceConfig = z.infer<typeof S3PollSourceSchema>;
export type DirSourceConfig = z.infer<typeof DirSourceSchema>;
export type StdinSourceConfig = z.infer<typeof StdinSourceSchema>;
