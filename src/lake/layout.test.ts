import { describe, it, expect } from 'vitest';
import { dayWindow, keepPath, parseLogPath, parseTimeArg } from './layout.js';
import { UsageError } from '../util/errors.js';

const FILE = '111122223333_CloudTrail_us-east-1_20240301T0005Z_abcdEFGH1234.json.gz';

describe('parseLogPath', () => {
  it('reads account, region and day from an account trail key, an s3 URL and a local path', () => {
    const want = { account: '111122223333', region: 'us-east-1', date: '2024-03-01', digest: false };
    expect(parseLogPath(`AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/${FILE}`)).toEqual(want);
    expect(parseLogPath(`s3://trail-bucket/prefix/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/${FILE}`)).toEqual(want);
    expect(parseLogPath(`/home/me/logs/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/${FILE}`)).toEqual(want);
    expect(parseLogPath(String.raw`C:\logs\AWSLogs\111122223333\CloudTrail\us-east-1\2024\03\01\x.json.gz`)).toEqual(want);
  });

  it('reads the organization id of an organization trail', () => {
    expect(parseLogPath(`AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2023/12/31/${FILE}`)).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
      date: '2023-12-31',
      orgId: 'o-a1b2c3d4e5',
      digest: false,
    });
  });

  it('recognises CloudTrail-Digest files', () => {
    const d = parseLogPath('AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240301T010000Z.json.gz');
    expect(d).toMatchObject({ digest: true, account: '111122223333', date: '2024-03-01' });
  });

  it('is undefined outside the layout or for impossible days and malformed ids', () => {
    expect(parseLogPath('logs/2024/03/01/file.json.gz')).toBeUndefined();
    expect(parseLogPath('AWSLogs/111122223333/CloudTrail/us-east-1/2024/02/30/f.json.gz')).toBeUndefined();
    expect(parseLogPath('AWSLogs/1111/CloudTrail/us-east-1/2024/03/01/f.json.gz')).toBeUndefined();
    expect(parseLogPath('AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/03/01/f.log.gz')).toBeUndefined();
    expect(parseLogPath('MyAWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/f.json.gz')).toBeUndefined();
  });
});

describe('keepPath', () => {
  const at = (date: string, account = '111122223333', region = 'us-east-1') => ({ account, region, date, digest: false });

  it('keeps delivery days from the day of --since to the day after --until', () => {
    const filter = { since: new Date('2024-03-10T12:00:00Z'), until: new Date('2024-03-12T23:59:00Z') };
    expect(dayWindow(filter)).toEqual({ from: '2024-03-10', to: '2024-03-13' });
    expect(keepPath(at('2024-03-09'), filter)).toBe(false);
    expect(keepPath(at('2024-03-10'), filter)).toBe(true);
    expect(keepPath(at('2024-03-13'), filter)).toBe(true); // events of the 12th at 23:59 are delivered on the 13th
    expect(keepPath(at('2024-03-14'), filter)).toBe(false);
  });

  it('crosses month and year ends', () => {
    const filter = { until: new Date('2023-12-31T10:00:00Z') };
    expect(keepPath(at('2024-01-01'), filter)).toBe(true);
    expect(keepPath(at('2024-01-02'), filter)).toBe(false);
    expect(keepPath(at('1999-01-01'), filter)).toBe(true);
  });

  it('filters accounts and regions; empty lists keep everything', () => {
    expect(keepPath(at('2024-03-10'), { accounts: ['222233334444'] })).toBe(false);
    expect(keepPath(at('2024-03-10'), { accounts: ['222233334444', '111122223333'], regions: ['us-east-1'] })).toBe(true);
    expect(keepPath(at('2024-03-10', '111122223333', 'eu-west-1'), { regions: ['us-east-1'] })).toBe(false);
    expect(keepPath(at('2024-03-10'), { accounts: [], regions: [] })).toBe(true);
  });
});

describe('parseTimeArg', () => {
  const now = new Date('2024-03-31T12:00:00Z');

  it('reads durations back from now', () => {
    expect(parseTimeArg('30d', now).toISOString()).toBe('2024-03-01T12:00:00.000Z');
    expect(parseTimeArg('12h', now).toISOString()).toBe('2024-03-31T00:00:00.000Z');
    expect(parseTimeArg('15m', now).toISOString()).toBe('2024-03-31T11:45:00.000Z');
    expect(parseTimeArg('2w', now).toISOString()).toBe('2024-03-17T12:00:00.000Z');
    expect(parseTimeArg('90s', now).toISOString()).toBe('2024-03-31T11:58:30.000Z');
  });

  it('reads days (UTC midnight) and ISO times (UTC when no zone is given)', () => {
    expect(parseTimeArg('2024-03-01', now).toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(parseTimeArg('2024-03-01T10:20:30Z', now).toISOString()).toBe('2024-03-01T10:20:30.000Z');
    expect(parseTimeArg('2024-03-01T10:20:30.250+02:00', now).toISOString()).toBe('2024-03-01T08:20:30.250Z');
    expect(parseTimeArg('2024-03-01 10:20', now).toISOString()).toBe('2024-03-01T10:20:00.000Z');
  });

  it('rejects anything else with a usage error naming the value', () => {
    for (const bad of ['yesterday', '30', '2024-02-30', '2024-13-01T00:00:00Z', '-5d', '']) {
      expect(() => parseTimeArg(bad, now)).toThrow(UsageError);
    }
    expect(() => parseTimeArg('soon', now)).toThrow(/soon: not a time/);
  });
});
