import type { Command } from 'commander';

/** Placeholder: replaced by the module that owns `vigil history`. */
export function registerHistory(program: Command): void {
  void program;
}
