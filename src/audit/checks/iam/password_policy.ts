/** The account password policy controls: one table, one shared decision, one registered check per row. */
import type { Check } from '../../check.js';
import { cis } from '../../lib/define.js';
import { accountCheck, verdict } from '../../lib/factories.js';
import type { Json } from '../../lib/snapshot.js';

interface Row {
  id: string;
  title: string;
  severity: Check['severity'];
  /** Why the policy falls short, or undefined when it is fine. */
  short: (p: Json) => string | undefined;
  cis?: string[];
  fsbp?: string[];
  cloudmapper?: string;
  description: string;
}

const lacks = (p: Json, keys: string[]) => keys.filter((k) => p[k] !== true);

const ROWS: Row[] = [
  {
    id: 'iam_password_policy_exists',
    title: 'An IAM password policy is set',
    severity: 'low',
    short: () => undefined,
    cloudmapper: 'PASSWORD_POLICY_NOT_SET',
    description:
      'The account has a custom IAM password policy (GetAccountPasswordPolicy does not return NoSuchEntity). CloudMapper reports the policy not set whenever the file is missing, even when it was never collected; vigil says unknown then.',
  },
  {
    id: 'iam_password_policy_minimum_length_14',
    title: 'IAM password policy requires at least 14 characters',
    severity: 'medium',
    short: (p) => ((p.MinimumPasswordLength ?? 0) < 14 ? `minimum length ${p.MinimumPasswordLength ?? 'unset'}` : undefined),
    cis: cis('1.8'),
    fsbp: ['IAM.15'],
    cloudmapper: 'PASSWORD_POLICY_CHARACTER_MINIMUM',
    description:
      'MinimumPasswordLength is at least 14 (CIS). CloudMapper asks for 12; any policy CloudMapper flags fails here too.',
  },
  {
    id: 'iam_password_policy_character_sets',
    title: 'IAM password policy requires all character sets',
    severity: 'low',
    short: (p) => {
      const l = lacks(p, ['RequireUppercaseCharacters', 'RequireLowercaseCharacters', 'RequireNumbers', 'RequireSymbols']);
      return l.length ? `lacks ${l.join(', ')}` : undefined;
    },
    fsbp: ['IAM.7'],
    cloudmapper: 'PASSWORD_POLICY_CHARACTER_SET_REQUIREMENTS',
    description: 'The policy requires uppercase, lowercase, numbers and symbols.',
  },
  ...(
    [
      ['uppercase', 'RequireUppercaseCharacters'],
      ['lowercase', 'RequireLowercaseCharacters'],
      ['number', 'RequireNumbers'],
      ['symbol', 'RequireSymbols'],
    ] as const
  ).map(
    ([what, key]): Row => ({
      id: `iam_password_policy_${what}`,
      title: `IAM password policy requires at least one ${what}`,
      severity: 'low',
      short: (p) => (p[key] !== true ? `${key} is off` : undefined),
      fsbp: ['IAM.7'],
      description: `The policy sets ${key}.`,
    }),
  ),
  {
    id: 'iam_password_policy_reuse_24',
    title: 'IAM password policy prevents reuse of the last 24 passwords',
    severity: 'medium',
    short: (p) => ((p.PasswordReusePrevention ?? 0) < 24 ? `PasswordReusePrevention ${p.PasswordReusePrevention ?? 'unset'}` : undefined),
    cis: cis('1.9'),
    fsbp: ['IAM.16'],
    description: 'PasswordReusePrevention is 24.',
  },
  {
    id: 'iam_password_policy_expires_90_days',
    title: 'IAM passwords expire within 90 days',
    severity: 'low',
    short: (p) => (!p.MaxPasswordAge || p.MaxPasswordAge > 90 ? `MaxPasswordAge ${p.MaxPasswordAge ?? 'unset'}` : undefined),
    fsbp: ['IAM.7'],
    description: 'MaxPasswordAge is set and at most 90 days (FSBP IAM.7).',
  },
];

export const PASSWORD_POLICY_CHECKS: Check[] = ROWS.map((row) =>
  accountCheck(
    {
      id: row.id,
      title: row.title,
      severity: row.severity,
      service: 'iam',
      resourceType: 'AwsAccount',
      description: row.description,
      risk: 'Weak or absent password rules make IAM user passwords guessable and reusable.',
      remediation: {
        console: 'IAM > Account settings > Password policy > Edit.',
        cli: 'aws iam update-account-password-policy --minimum-password-length 14 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters --password-reuse-prevention 24 --max-password-age 90',
      },
      references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html'],
      compliance: { cis: row.cis, fsbp: row.fsbp },
      cloudmapper: row.cloudmapper,
    },
    'iam-get-account-password-policy',
    (got) => {
      const p = got.ok ? got.data.PasswordPolicy : undefined;
      if (!p || Object.keys(p).length === 0) return { bad: true, reason: 'no password policy is set' };
      const why = row.short(p);
      return verdict(why !== undefined, why ?? '', 'password policy meets the requirement');
    },
  ),
);
