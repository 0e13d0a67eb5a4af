import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exceptionsJsonSchema, loadExceptions, Mutelist, parseExceptions } from './exceptions.js';
import { UsageError } from '../util/errors.js';

const base = { reason: 'accepted', owner: 'alice' };
const subject = { check: 'iam_user_mfa_enabled', account: '111111111111', region: 'eu-west-1', resource: 'arn:aws:iam::111111111111:user/bob', resourceName: 'bob', tags: { env: 'dev-3' } };

describe('exceptions', () => {
  it('loads YAML and matches by check glob, account, region, resource regex and tags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-exc-'));
    try {
      const file = join(dir, 'exceptions.yaml');
      writeFileSync(
        file,
        `exceptions:
  - checks: iam_user_*
    accounts: ['111111111111']
    regions: eu-*
    resource: 'user/bo+b$'
    tags: { env: 'dev-*' }
    reason: break-glass user
    owner: alice
    expires: 2030-01-01
`,
      );
      const [e] = loadExceptions(file);
      expect(e).toMatchObject({ index: 1, checks: ['iam_user_*'], regions: ['eu-*'], expires: '2030-01-01T23:59:59.999Z' });
      const m = new Mutelist([e!], new Date('2029-06-01'));
      expect(m.match(subject)).toMatchObject({ expired: false });
      for (const miss of [
        { check: 's3_bucket_public_acl' },
        { account: '222222222222' },
        { region: 'us-east-1' },
        { resource: 'arn:aws:iam::111111111111:user/alice', resourceName: 'alice' },
        { tags: { env: 'prod' } },
        { tags: undefined },
      ]) {
        expect(m.match({ ...subject, ...miss }), JSON.stringify(miss)).toBeUndefined();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('matches the resource regex against the name too, and prefers a live exception over an expired one', () => {
    const list = parseExceptions([
      { checks: '*', resource: '^bob$', ...base, expires: '2020-01-01' },
      { checks: ['iam_user_mfa_enabled'], resource: '^bob$', ...base, owner: 'carol' },
    ]);
    const m = new Mutelist(list, new Date('2026-01-01'));
    expect(m.match(subject)).toMatchObject({ expired: false, exception: { owner: 'carol' } });
    expect(new Mutelist(list.slice(0, 1), new Date('2026-01-01')).match(subject)).toMatchObject({ expired: true });
    expect(m.expired().map((e) => e.index)).toEqual([1]);
  });

  it('rejects bad files with one line naming the field', () => {
    expect(() => parseExceptions({ exceptions: [{ checks: 'x', owner: 'a' }] }, 'f.yaml')).toThrow(/^f\.yaml: exceptions\.0\.reason: /);
    expect(() => parseExceptions([{ checks: 'x', ...base, expires: 'someday' }], 'f.yaml')).toThrow(/0\.expires: not a date/);
    expect(() => parseExceptions([{ checks: 'x', ...base, colour: 'red' }], 'f.yaml')).toThrow(UsageError);
    expect(() => parseExceptions([{ checks: 'x', ...base, resource: '(' }], 'f.yaml')).toThrow(/exceptions\.0\.resource: bad regular expression/);
    expect(() => loadExceptions('/nonexistent/x.yaml')).toThrow(/x\.yaml: cannot read/);
    expect(parseExceptions(null)).toEqual([]);
  });

  it('exports a JSON Schema for editors', () => {
    const schema = JSON.stringify(exceptionsJsonSchema());
    for (const key of ['checks', 'accounts', 'regions', 'resource', 'tags', 'reason', 'owner', 'expires']) expect(schema).toContain(`"${key}"`);
    expect(schema).toContain('"required"');
  });
});
