import type { Command } from 'commander';

/** Placeholder: replaced by the module that owns `vigil deploy`. */
export function registerDeploy(program: Command): void {
  void program;
}
