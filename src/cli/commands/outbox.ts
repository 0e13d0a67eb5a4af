import type { Command } from 'commander';

/** Placeholder: replaced by the module that owns `vigil outbox`. */
export function registerOutbox(program: Command): void {
  void program;
}
