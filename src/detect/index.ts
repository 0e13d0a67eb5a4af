/** Detections: Sigma and native rules, live on a stream and as hunts over the lake. */
export { loadRules, loadRuleFiles, loadRuleText, BUILTIN_DIR, type Loaded, type LoadFailure } from './load.js';
export { buildPack, type Pack } from './pack.js';
export { LiveEngine, detectRecords } from './live.js';
export { hunt, type HuntOptions, type HuntResult } from './hunt.js';
export { loadExceptions, parseExceptions, NO_EXCEPTIONS, type ExceptionSet } from './exceptions.js';
export { runRuleTests, type TestOutcome } from './testing.js';
export { alertsCsv, formatAlert, toOcsf, type AlertFormat } from './output.js';
export type { Alert } from './alerts.js';
export type { Rule } from './rule.js';
export { ruleJsonSchema, exceptionJsonSchema } from './schema.js';
