/** Exit codes shared by every command (see README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** Results over a threshold the user asked to gate on (e.g. --fail-on), or a partial run. */
  threshold: 1,
  /** Bad usage or bad input. */
  usage: 2,
  /** Runtime failure: AWS, store, I/O. */
  runtime: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: one line, and the exit code it maps to. */
export class VigilError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.runtime,
  ) {
    super(message);
    this.name = 'VigilError';
  }
}

/** Bad usage or bad input (exit 2). */
export class UsageError extends VigilError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** The first line of an error's message, for one-line reports. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n').map((s) => s.trim()).filter(Boolean).join(' ').slice(0, 500);
}
