/**
 * What the daemon needs from the modules beside it (sources, outbox and sinks, enforcement, resource history),
 * as the narrow interfaces it calls. The pipeline is written against these, so its tests use small fakes, and
 * the real modules are loaded once, when the daemon starts.
 */
import type { Store } from '../store/store.js';
import type { Config } from '../config/schema.js';
import type { Alert } from '../detect/alerts.js';
import { VigilError, ExitCode } from '../util/errors.js';
import type { Notice } from './notice.js';
import type { Source } from './source.js';

/** Per-source durable state (S3 polling position, directory scan marks), kept in the store. */
export interface CheckpointCtx {
  get(name: string): Promise<unknown>;
  set(name: string, value: unknown): Promise<void>;
}

export interface SourceContext {
  aws: Config['aws'];
  workDir: string;
  log: (msg: string) => void;
  checkpoint: CheckpointCtx;
}

export interface OutboxStats {
  pending?: number;
  delivered?: number;
  failed?: number;
  [k: string]: unknown;
}

/** The durable outbox: enqueue is idempotent by notice id (per sink); start/stop run its delivery loop. */
export interface OutboxPort {
  enqueue(notices: Notice[], conn?: Store): Promise<unknown>;
  /** Starts the delivery loop; it polls every pollMs (and wakes on enqueue). */
  start(pollMs?: number): unknown;
  stop(): Promise<unknown>;
  /** Stops and releases its own connection, when it has one. */
  close?(): Promise<unknown>;
  stats(): OutboxStats | Promise<OutboxStats>;
}

export interface EnforcerPort {
  /** Notices (kind `enforcement`) of what it did or would do, for the outbox. */
  handle(alert: Alert, records: Record<string, unknown>[]): Promise<Notice[]>;
}

export interface HistoryPort {
  recordChanges(store: Store, records: Record<string, unknown>[]): Promise<unknown>;
  detectWithHistory(store: Store, records: Record<string, unknown>[]): Promise<Alert[]>;
}

export interface SourcesPort {
  /** A config entry (object) or a command-line argument (string) to a source. */
  createSource(config: unknown, ctx: SourceContext): Source | Promise<Source>;
  parseSourceArg(arg: string): unknown;
}

export interface WatchDeps {
  sources: SourcesPort;
  openOutbox(store: Store, config: Config, log?: (line: string) => void): Promise<OutboxPort>;
  openEnforcer?(store: Store, config: Config): Promise<EnforcerPort>;
  history?: HistoryPort;
}

// Specifiers kept in variables: the modules are loaded at run time only.
const SOURCES = './sources/index.js';
const OUTBOX = './outbox.js';
const ENFORCE = './enforce/index.js';
const HISTORY = '../history/index.js';

async function load(spec: string, what: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(spec)) as Record<string, unknown>;
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(spec.replace(/^\.+\//, '').replace(/\.js$/, ''));
    if (!missing) throw e;
    if (required) throw new VigilError(`watch: ${what} is not available in this build (${spec})`, ExitCode.runtime);
    return undefined;
  }
}

function fn<T>(mod: Record<string, unknown>, name: string, spec: string): T {
  const f = mod[name];
  if (typeof f !== 'function') throw new VigilError(`watch: ${spec} does not export ${name}()`, ExitCode.runtime);
  return f as T;
}

/** Loads the real modules. Sources and the outbox are required; enforcement and history are used when present. */
export async function loadWatchDeps(): Promise<WatchDeps> {
  const sources = (await load(SOURCES, 'the sources module', true))!;
  const outbox = (await load(OUTBOX, 'the outbox', true))!;
  const enforce = await load(ENFORCE, 'enforcement', false);
  const history = await load(HISTORY, 'resource history', false);
  const Outbox = outbox.Outbox as { open(store: Store, config: Config, opts?: { log?: (line: string) => void }): Promise<OutboxPort> } | undefined;
  if (!Outbox?.open) throw new VigilError(`watch: ${OUTBOX} does not export Outbox.open()`, ExitCode.runtime);
  const Enforcer = enforce?.Enforcer as { create(store: Store, config: Config): EnforcerPort | Promise<EnforcerPort> } | undefined;
  return {
    sources: {
      createSource: fn(sources, 'createSource', SOURCES),
      parseSourceArg: fn(sources, 'parseSourceArg', SOURCES),
    },
    openOutbox: (store, config, log) => Outbox.open(store, config, { log }),
    openEnforcer: Enforcer?.create ? async (store, config) => Enforcer.create(store, config) : undefined,
    history:
      history && typeof history.recordChanges === 'function' && typeof history.detectWithHistory === 'function'
        ? { recordChanges: history.recordChanges as HistoryPort['recordChanges'], detectWithHistory: history.detectWithHistory as HistoryPort['detectWithHistory'] }
        : undefined,
  };
}
