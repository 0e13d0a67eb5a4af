/**
 * Bundles the Lambda handlers (src/deploy/lambda/{watch,outbox,audit}.ts) into one folder with esbuild: ESM,
 * Node 20, the AWS SDK left to the runtime, the built-in rules copied beside the code (the detection loader
 * reads them from `./rules/` next to the module). Offline and about a second.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { BUILTIN_DIR } from '../detect/load.js';

const LAMBDA_DIR = fileURLToPath(new URL('./lambda/', import.meta.url));
const SINKS_MODULE = fileURLToPath(new URL('../watch/sinks/index.ts', import.meta.url));

export const ENTRIES = ['watch', 'outbox', 'audit'] as const;

export interface Bundle {
  dir: string;
  /** Bytes of code (without the rules). */
  bytes: number;
  /** Whether src/watch/sinks was bundled (else the outbox function delivers nothing beyond SNS). */
  sinks: boolean;
}

/**
 * - `vigil:sinks` → src/watch/sinks when present, else a stand-in without sinks (so the bundle never depends on
 *   that module being finished).
 * - @duckdb/node-api → a stand-in that fails if used: the functions keep state in DynamoDB, and the store module
 *   is only reached through imports of code they do not run.
 */
function vigilPlugin(sinks: boolean): Plugin {
  return {
    name: 'vigil-lambda',
    setup(b) {
      b.onResolve({ filter: /^vigil:sinks$/ }, () => ({ path: 'sinks', namespace: 'vigil' }));
      b.onResolve({ filter: /^@duckdb\/node-api$/ }, () => ({ path: 'duckdb', namespace: 'vigil' }));
      b.onLoad({ filter: /.*/, namespace: 'vigil' }, (a) => {
        if (a.path === 'sinks')
          return sinks
            ? { contents: `export { createSinks } from ${JSON.stringify(SINKS_MODULE)};\nexport const available = true;`, loader: 'ts', resolveDir: LAMBDA_DIR }
            : { contents: 'export const available = false;\nexport function createSinks() { return []; }', loader: 'js' };
        return {
          contents: 'export class DuckDBInstance { static create() { throw new Error("DuckDB is not available in the Lambda functions"); } }',
          loader: 'js',
        };
      });
    },
  };
}

export async function bundleHandlers(outDir: string): Promise<Bundle> {
  mkdirSync(outDir, { recursive: true });
  const sinks = existsSync(SINKS_MODULE);
  await build({
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, join(LAMBDA_DIR, `${e}.ts`)])),
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    external: ['@aws-sdk/*'],
    // CommonJS dependencies call require() for Node built-ins; ESM output needs a require to hand them.
    banner: { js: "import { createRequire as __vigilRequire } from 'node:module'; const require = __vigilRequire(import.meta.url);" },
    plugins: [vigilPlugin(sinks)],
    logLevel: 'silent',
    legalComments: 'none',
  });
  cpSync(BUILTIN_DIR, join(outDir, 'rules'), { recursive: true });
  const bytes = readdirSync(outDir)
    .filter((f) => f.endsWith('.mjs'))
    .reduce((n, f) => n + statSync(join(outDir, f)).size, 0);
  return { dir: outDir, bytes, sinks };
}
