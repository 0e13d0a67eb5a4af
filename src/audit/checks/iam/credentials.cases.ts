import type { Cases } from '../../lib/check-cases.js';
import { credReport, credRow, daysAgo } from '../../lib/fixtures.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { PASSWORD_POLICY_CHECKS } from './password_policy.js';

const R = 'us-east-1';
const report = (...rows: Record<string, string>[]) => memorySnapshot({ calls: { [`${R}/iam-get-credential-report`]: credReport(rows) } });
const missing = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const denied = memorySnapshot({ calls: { [`${R}/iam-get-credential-report`]: fail() } });
export const unknown = [missing, denied];

const used = (d: number) => ({ password_enabled: 'true', password_last_used: daysAgo(d), password_last_changed: daysAgo(d), mfa_active: 'true' });
const key1 = (rotated: number, used: number | undefined) => ({
  access_key_1_active: 'true',
  access_key_1_last_rotated: daysAgo(rotated),
  access_key_1_last_used_date: used === undefined ? 'N/A' : daysAgo(used),
});
const key2 = (rotated: number, used: number | undefined) => ({
  access_key_2_active: 'true',
  access_key_2_last_rotated: daysAgo(rotated),
  access_key_2_last_used_date: used === undefined ? 'N/A' : daysAgo(used),
});

const summary = (keys: number, mfa: number) => ({ SummaryMap: { AccountAccessKeysPresent: keys, AccountMFAEnabled: mfa } });
const rootSnap = (keys: number, mfa: number, extra: Record<string, unknown> = {}) =>
  memorySnapshot({ calls: { [`${R}/iam-get-account-summary`]: summary(keys, mfa), ...extra } });
const rootDenied = memorySnapshot({ calls: { [`${R}/iam-get-account-summary`]: fail(), [`${R}/iam-get-credential-report`]: fail() } });

export const CREDENTIAL_CASES: Record<string, Cases> = {
  iam_user_mfa_enabled_console_access: {
    pass: report(credRow('alice', used(1))),
    fail: report(credRow('alice', { ...used(1), mfa_active: 'false' })),
    unknown,
  },
  iam_user_console_never_used: {
    pass: report(credRow('alice', used(3))),
    fail: report(credRow('alice', { password_enabled: 'true', password_last_used: 'no_information' })),
    unknown,
  },
  iam_user_console_unused_90_days: {
    pass: report(credRow('alice', used(89))),
    fail: report(credRow('alice', used(91))),
    unknown,
  },
  iam_user_two_active_access_keys: {
    pass: report(credRow('alice', key1(5, 1))),
    fail: report(credRow('alice', { ...key1(5, 1), ...key2(5, 1) })),
    unknown,
  },
  iam_user_access_key_never_used: {
    pass: report(credRow('alice', key1(5, 1))),
    fail: report(credRow('alice', key1(5, undefined))),
    unknown,
  },
  iam_user_access_key_unused_90_days: {
    pass: report(credRow('alice', key1(200, 10))),
    fail: report(credRow('<root_account>', key1(200, 161))),
    unknown,
  },
  iam_user_credentials_unused_45_days: {
    pass: report(credRow('alice', { ...used(10), ...key1(100, 2) })),
    fail: report(credRow('alice', { ...used(10), ...key1(100, 46) })),
    unknown,
  },
  iam_user_access_key_rotated_90_days: {
    pass: report(credRow('alice', key1(80, 1))),
    fail: report(credRow('alice', key1(120, 1))),
    unknown,
  },
  iam_user_no_initial_access_key: {
    pass: report(credRow('alice', { ...used(1), ...key1(10, 2) })),
    fail: report(credRow('alice', { ...used(1), ...key1(10, undefined) })),
    unknown,
  },
  iam_root_access_key_absent: {
    pass: rootSnap(0, 1),
    fail: report(credRow('<root_account>', key1(10, 1))),
    unknown: [rootDenied, missing],
  },
  iam_root_mfa_enabled: { pass: rootSnap(0, 1), fail: rootSnap(0, 0), unknown: [rootDenied, missing] },
  iam_root_hardware_mfa_enabled: {
    pass: rootSnap(0, 1, { [`${R}/iam-list-virtual-mfa-devices`]: { VirtualMFADevices: [{ SerialNumber: 'arn:aws:iam::111122223333:mfa/alice' }] } }),
    fail: rootSnap(0, 1, {
      [`${R}/iam-list-virtual-mfa-devices`]: { VirtualMFADevices: [{ SerialNumber: 'arn:aws:iam::111122223333:mfa/root-account-mfa-device' }] },
    }),
    unknown: [rootSnap(0, 1), rootDenied],
  },
  iam_root_not_used_recently: {
    pass: report(credRow('<root_account>', { password_last_used: daysAgo(100) })),
    fail: report(credRow('<root_account>', { password_last_used: daysAgo(2) })),
    unknown: [missing, denied],
  },
};

// Password policy: one good policy passes every row; each row fails on a policy that is good except its field.
const GOOD = {
  MinimumPasswordLength: 16,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  RequireNumbers: true,
  RequireSymbols: true,
  PasswordReusePrevention: 24,
  MaxPasswordAge: 90,
};
const BREAK: Record<string, Partial<Record<keyof typeof GOOD, unknown>>> = {
  iam_password_policy_minimum_length_14: { MinimumPasswordLength: 8 },
  iam_password_policy_character_sets: { RequireSymbols: false },
  iam_password_policy_uppercase: { RequireUppercaseCharacters: false },
  iam_password_policy_lowercase: { RequireLowercaseCharacters: false },
  iam_password_policy_number: { RequireNumbers: false },
  iam_password_policy_symbol: { RequireSymbols: false },
  iam_password_policy_reuse_24: { PasswordReusePrevention: 5 },
  iam_password_policy_expires_90_days: { MaxPasswordAge: 365 },
};
const pp = (policy: unknown) => memorySnapshot({ calls: { [`${R}/iam-get-account-password-policy`]: policy } });
for (const c of PASSWORD_POLICY_CHECKS) {
  CREDENTIAL_CASES[c.id] = {
    pass: pp({ PasswordPolicy: GOOD }),
    // No policy (NoSuchEntity) fails every row; other rows break their own field.
    fail: BREAK[c.id] ? pp({ PasswordPolicy: { ...GOOD, ...BREAK[c.id] } }) : pp(fail('error', 'NoSuchEntity: The Password Policy cannot be found')),
    unknown: [missing, pp(fail())],
  };
}

