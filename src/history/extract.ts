/** CloudTrail records → changes: one per resource an event created, modified or deleted. Failed calls are skipped. */
import { accountOf, failed, partitionOf, principalKeyOf, resourceKey, str } from './event.js';
import { specsFor } from './kinds/index.js';
import { toolOf } from './tool.js';
import type { Change, TrailRecord } from './types.js';

export function changesOf(rec: TrailRecord): Change[] {
  const source = str(rec, 'eventSource');
  const name = str(rec, 'eventName');
  const eventId = str(rec, 'eventID');
  const time = str(rec, 'eventTime');
  if (!source || !name || !eventId || !time || failed(rec)) return [];
  const specs = specsFor(source, name);
  if (specs.length === 0) return [];
  const account = accountOf(rec);
  const partition = partitionOf(rec);
  const tool = toolOf(rec);
  const who = {
    principalArn: str(rec, 'userIdentity.arn') ?? str(rec, 'userIdentity.invokedBy') ?? null,
    principalType: str(rec, 'userIdentity.type') ?? null,
    principalKey: principalKeyOf(rec),
    sourceIp: str(rec, 'sourceIPAddress') ?? null,
    userAgent: str(rec, 'userAgent') ?? null,
    tool: tool.tool,
    toolDetail: tool.detail,
  };
  const out: Change[] = [];
  for (const { kind, spec } of specs) {
    for (const t of spec.targets(rec)) {
      if (!t) continue;
      const region = kind.global ? 'global' : (t.region ?? str(rec, 'awsRegion') ?? 'unknown');
      out.push({
        resourceKey: resourceKey(kind.type, account, region, t.id),
        type: kind.type,
        resourceId: t.id,
        arn: t.arn ?? kind.arn(t.id, account, region, partition),
        account,
        region,
        eventId,
        time,
        action: spec.action,
        eventName: name,
        eventSource: source,
        ...who,
        request: spec.request ? spec.request(rec, t) : {},
      });
    }
  }
  return out;
}
