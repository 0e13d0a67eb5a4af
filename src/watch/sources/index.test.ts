import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { createSource, parseSourceArg, parseMessage } from './index.js';

describe('parseSourceArg', () => {
  it('reads each command-line form, with defaults filled in', () => {
    expect(parseSourceArg('sqs://trail-events')).toMatchObject({ type: 'sqs', queue: 'trail-events', waitSeconds: 20, maxMessages: 10 });
    expect(parseSourceArg('sqs://https://sqs.eu-west-1.amazonaws.com/111111111111/trail')).toMatchObject({ queue: 'https://sqs.eu-west-1.amazonaws.com/111111111111/trail' });
    expect(parseSourceArg('sqs://sqs.eu-west-1.amazonaws.com/111111111111/trail')).toMatchObject({ queue: 'https://sqs.eu-west-1.amazonaws.com/111111111111/trail' });
    expect(parseSourceArg('s3://bucket/AWSLogs/')).toMatchObject({ type: 's3', url: 's3://bucket/AWSLogs/', intervalSeconds: 60, lookbackDays: 1 });
    expect(parseSourceArg('dir:./logs')).toMatchObject({ type: 'dir', path: './logs' });
    const d = mkdtempSync(join(tmpdir(), 'vigil-arg-'));
    expect(parseSourceArg(d)).toMatchObject({ type: 'dir', path: d, name: d });
    expect(parseSourceArg('-')).toMatchObject({ type: 'stdin' });
  });

  it('says what is wrong with an argument', () => {
    expect(() => parseSourceArg('sqs://')).toThrow(UsageError);
    expect(() => parseSourceArg('dir:')).toThrow(/no directory/);
    expect(() => parseSourceArg('/no/such/place')).toThrow(/not a watch source/);
  });
});

describe('createSource', () => {
  const ctx = { aws: {}, workDir: tmpdir(), log: () => undefined };
  it('names the bad field of a config entry', () => {
    expect(() => createSource({ type: 'sqs', name: 'trail', queue: 'q', waitSeconds: 60 }, ctx)).toThrow(/^watch source trail: waitSeconds: /);
    expect(() => createSource({ type: 'kafka' }, ctx)).toThrow(UsageError);
    expect(() => createSource({ type: 'dir', path: '/x', bogus: 1 }, ctx)).toThrow(/bogus/);
  });
});

describe('parseMessage', () => {
  const rec = (key: string, eventName = 'ObjectCreated:Put') => ({ eventSource: 'aws:s3', eventName, s3: { bucket: { name: 'b' }, object: { key, size: 3, eTag: '"abc"' } } });
  it('decodes URL-encoded keys of S3 notifications and skips deletions and digests', () => {
    const p = parseMessage(JSON.stringify({ Records: [rec('AWSLogs/a+b%3Dc.json.gz'), rec('x.json.gz', 'ObjectRemoved:Delete'), rec('AWSLogs/1/CloudTrail-Digest/x.json.gz')] }));
    expect(p.parts).toEqual([{ kind: 's3', bucket: 'b', key: 'AWSLogs/a b=c.json.gz', size: 3, etag: 'abc', eventTime: undefined }]);
    expect(p.skipped).toBe(2);
  });

  it('reads S3 events through EventBridge, and refuses EventBridge events without a CloudTrail record', () => {
    const eb = { version: '0', source: 'aws.s3', 'detail-type': 'Object Created', time: '2024-03-01T00:00:00Z', detail: { bucket: { name: 'b' }, object: { key: 'k.json.gz', size: 9, etag: 'e1' } } };
    expect(parseMessage(JSON.stringify(eb)).parts).toEqual([{ kind: 's3', bucket: 'b', key: 'k.json.gz', size: 9, etag: 'e1', eventTime: Date.parse('2024-03-01T00:00:00Z') }]);
    expect(() => parseMessage(JSON.stringify({ source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: { severity: 5 } }))).toThrow(/GuardDuty Finding.*no CloudTrail record/);
    expect(() => parseMessage('{"Type":"Notification","Message":"oops"}')).toThrow(/SNS notification whose Message is not JSON/);
    expect(() => parseMessage('[1,2]')).toThrow(/not a JSON object/);
  });
});
