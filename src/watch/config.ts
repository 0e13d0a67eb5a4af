import { z } from 'zod';

/** `watch:` in vigil.yaml — sources, schedules, health endpoint, checkpoints. Owned by the watch daemon. */
export const WatchConfigSchema = z.object({}).strict();
