import type { Command } from 'commander';

/** Placeholder: replaced by the module that owns `vigil watch`. */
export function registerWatch(program: Command): void {
  void program;
}
