import { z } from 'zod';

/** `sinks:` in vigil.yaml — where notices go and which ones each sink receives. */
export const SinksConfigSchema = z.array(z.object({ name: z.string() }).passthrough());
