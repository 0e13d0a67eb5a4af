import cliProgress from 'cli-progress';
import type { Output } from './output.js';

export interface Bar {
  update(done: number, total: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (piped and --json runs stay quiet). */
export function progressBar(output: Output, format: string): Bar {
  if (!output.tty || output.json) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format, stream: process.stderr, hideCursor: true, etaBuffer: 20, fps: 5, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, payload = {}) {
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
