/** Deterministic synthetic CloudTrail: the sample organisation (demo, tests) and the benchmark archive. */
export * from './org.js';
export { writeAwsLogs, AwsLogsWriter, logFileKey, type AwsLogsOptions, type AwsLogsResult } from './awslogs.js';
export { writeVolumeArchive, VOLUME_ACCOUNTS, VOLUME_REGIONS, type VolumeOptions } from './volume.js';
export { readArchive, type ArchiveFile } from './archive.js';
