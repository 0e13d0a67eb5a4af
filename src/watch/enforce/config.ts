import { z } from 'zod';

/** `enforce:` in vigil.yaml — automated responses: off by default, dry-run by default, allowlisted per rule. */
export const EnforceConfigSchema = z.object({}).strict();
