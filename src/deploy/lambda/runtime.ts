/** What every function shares at run time: its settings from the environment (set by the stack) and its log. */

/** The named environment variables; a missing one is a deployment error, named. */
export function lambdaEnv<K extends string>(names: readonly K[], env: NodeJS.ProcessEnv = process.env): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const n of names) {
    const v = env[n];
    if (v === undefined || v === '') throw new Error(`environment variable ${n} is not set (deploy the stack with \`vigil deploy\`)`);
    out[n] = v;
  }
  return out;
}

/** One line to CloudWatch Logs. Callers pass ids and counts, never notice bodies or secret values. */
export function log(line: string): void {
  console.log(line);
}
