/** start-logging: a StopLogging on a trail → StartLogging on that trail. */
import { GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { accountOf, path, succeeded, text, type EnforcementAction } from './types.js';

export const startLogging: EnforcementAction = {
  id: 'start-logging',
  verb: 'Restart CloudTrail logging',
  targets(rec) {
    if (rec.eventName !== 'StopLogging' || !succeeded(rec)) return [];
    const name = text(path(rec, 'requestParameters', 'name'));
    if (!name) return [];
    // A trail ARN names its home region; a bare name is in the region of the call.
    const region = /^arn:[\w-]+:cloudtrail:([\w-]+):/.exec(name)?.[1] ?? text(rec.awsRegion) ?? 'us-east-1';
    return [{ label: `trail ${name.replace(/^arn:.*:trail\//, '')}`, account: accountOf(rec), region, detail: { name } }];
  },
  async read(t, aws) {
    const name = String(t.detail.name);
    const s = await aws.cloudtrail(t.account, t.region).send(new GetTrailStatusCommand({ Name: name }));
    return { name, isLogging: !!s.IsLogging, latestDeliveryTime: s.LatestDeliveryTime?.toISOString() ?? null, stopLoggingTime: s.StopLoggingTime?.toISOString() ?? null };
  },
  needed: (_t, before) => !(before as { isLogging: boolean }).isLogging,
  async apply(t, aws) {
    await aws.cloudtrail(t.account, t.region).send(new StartLoggingCommand({ Name: String(t.detail.name) }));
  },
};
