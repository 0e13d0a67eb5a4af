/** Worker thread of the volume archive: writes its share of the days and reports the counts. */
import { parentPort, workerData } from 'node:worker_threads';
import { writeVolumeDays, type VolumeTask } from './volume.js';

parentPort!.postMessage(await writeVolumeDays(workerData as VolumeTask));
