import { afterEach, beforeEach, vi } from 'vitest';

/**
 * For tests that run the CLI in process (`run([...])`): registers hooks that capture stdout and stderr per test
 * and reset the exit code. The arrays are cleared in place, so keep the returned object's references.
 */
export function captureOutput(): { out: string[]; err: string[]; clear(): void } {
  const c = {
    out: [] as string[],
    err: [] as string[],
    clear() {
      c.out.length = 0;
      c.err.length = 0;
    },
  };
  beforeEach(() => {
    c.clear();
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (c.out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (c.err.push(String(s)), true));
    process.exitCode = undefined;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  return c;
}
