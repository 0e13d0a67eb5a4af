export { athenaDdl, logsRoot, type AthenaConfig } from './ddl.js';
export { AthenaEngine, type AthenaResult } from './client.js';
export { scopeQuery, scopePredicates, type QueryScope } from './scope.js';
export { AthenaLake, LocalLake, lakeOf, type Lake, type LakeSource, type LakeStats } from './lake.js';
export { athenaHuntSql, huntAthena, type AthenaHuntResult } from './hunt.js';
