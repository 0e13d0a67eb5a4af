import { z } from 'zod';

/** `deploy:` in vigil.yaml — the serverless form on AWS (CDK). */
export const DeployConfigSchema = z.object({}).strict();
