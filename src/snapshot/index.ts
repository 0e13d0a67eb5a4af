/** Snapshots as the audit and the access review read them (collection writes them: see src/collect). */
export type { CallResult, Partition, SnapshotAccount, SnapshotReader } from './types.js';
export { openCloudMapperDir, type CloudMapperDirOptions } from './cloudmapper-dir.js';
export { ERRORS_FILE, META_FILE, quotePlus, unquotePlus } from './layout.js';
