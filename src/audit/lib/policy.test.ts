import { describe, expect, it } from 'vitest';
import { adminVerdict, conditionRestricts, grantsFullAdmin, notActionAllows, principalAccounts, publicStatements, statements, wildcardMatch } from './policy.js';

const doc = (...s: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: s });
const st = (...s: Record<string, unknown>[]) => statements(doc(...s))!;

describe('policy analysis', () => {
  it('matches IAM wildcards case-insensitively', () => {
    expect(wildcardMatch('iam:Put*Policy', 'iam:putrolepolicy')).toBe(true);
    expect(wildcardMatch('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(wildcardMatch('s3:Get*', 'iam:GetRole')).toBe(false);
  });
  it('reads a policy given as a JSON string and a single statement object', () => {
    expect(statements(JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }))).toHaveLength(1);
    expect(statements('not json')).toBeUndefined();
  });
  it('detects admin through *, NotAction and privilege escalation, and honours Deny', () => {
    expect(grantsFullAdmin(st({ Effect: 'Allow', Action: '*', Resource: '*' }))).toBe(true);
    expect(adminVerdict(st({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' })).admin).toBe(true);
    expect(adminVerdict(st({ Effect: 'Allow', Action: 'iam:Attach*', Resource: '*' })).why).toMatch(/iam:Attach/);
    expect(adminVerdict(st({ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: 'arn:aws:iam::1:role/x' })).admin).toBe(false);
    expect(adminVerdict(st({ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })).admin).toBe(false);
    expect(adminVerdict(st({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:*', Resource: '*' })).admin).toBe(false);
    // PowerUser-style NotAction iam:* still allows no IAM escalation, so not admin by escalation; but NotAction is flagged.
    const power = st({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' });
    expect(adminVerdict(power).admin).toBe(false);
    expect(notActionAllows(power)).toHaveLength(1);
  });
  it('knows which conditions make Principal * not public', () => {
    const pub = (cond?: Record<string, unknown>) => publicStatements(st({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: '*', ...(cond ? { Condition: cond } : {}) }));
    expect(pub()).toHaveLength(1);
    expect(pub({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:1:t' } })).toHaveLength(0);
    expect(pub({ StringEquals: { 'AWS:SourceOwner': '111122223333' } })).toHaveLength(0);
    expect(pub({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })).toHaveLength(1);
    expect(pub({ StringEqualsIfExists: { 'aws:SourceAccount': '1' } })).toHaveLength(1);
    expect(pub({ StringLike: { 'aws:SourceArn': '*' } })).toHaveLength(1);
    expect(publicStatements(st({ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: '*' }))).toHaveLength(0);
    expect(conditionRestricts(st({ Effect: 'Allow', Principal: '*', Action: 'x', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } })[0]!)).toBe(false);
  });
  it('extracts trusted account ids', () => {
    expect(principalAccounts({ AWS: ['arn:aws:iam::999988887777:root', '111122223333', 'arn:aws-us-gov:iam::222233334444:role/r'] })).toEqual(['999988887777', '111122223333', '222233334444']);
  });
});
