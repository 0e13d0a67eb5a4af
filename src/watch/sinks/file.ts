/** NDJSON file and stdout sinks: one JSON line per notice (for log shippers, SIEM file inputs, pipes). */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Notice } from '../notice.js';
import { DeliveryError } from './delivery.js';

export function ndjsonDeliver(path: string) {
  const file = resolve(path);
  let ready: Promise<unknown> | undefined;
  return async (n: Notice): Promise<{ ref?: string }> => {
    try {
      ready ??= mkdir(dirname(file), { recursive: true });
      await ready;
      await appendFile(file, JSON.stringify(n) + '\n');
    } catch (e) {
      ready = undefined;
      throw new DeliveryError(`ndjson ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return {};
  };
}

export function stdoutDeliver(write: (line: string) => void = (l) => process.stdout.write(l)) {
  return async (n: Notice): Promise<{ ref?: string }> => {
    write(JSON.stringify(n) + '\n');
    return {};
  };
}
