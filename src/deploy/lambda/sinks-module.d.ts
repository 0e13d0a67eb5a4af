/**
 * `vigil:sinks` exists only in the Lambda bundle (see src/deploy/bundle.ts): src/watch/sinks/index.ts when
 * that module is in the checkout, else a stand-in that creates no sinks. Imported by handlers only, lazily.
 */
declare module 'vigil:sinks' {
  /** False in the stand-in. */
  export const available: boolean;
  /** Structurally the Sink of ./outbox.ts (an ambient module cannot import a relative one). */
  export function createSinks(config: Record<string, unknown>[]): VigilBundledSink[] | Promise<VigilBundledSink[]>;
  interface VigilBundledSink {
    name: string;
    accepts(n: import('../../watch/notice.js').Notice): boolean;
    deliver(n: import('../../watch/notice.js').Notice): Promise<{ ref?: string }>;
  }
}
