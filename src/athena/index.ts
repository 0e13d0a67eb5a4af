export { athenaDdl, logsRoot, type AthenaConfig } from './ddl.js';
export { AthenaEngine, type AthenaResult } from './client.js';
export { scopeQuery, scopePredicates, type QueryScope } from './scope.js';
