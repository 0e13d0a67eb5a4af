import { cis } from '../../lib/define.js';
import { accountCheck, verdict } from '../../lib/factories.js';
import { getGlobal } from '../../lib/snapshot.js';

export default accountCheck(
  {
    id: 'iam_account_security_contact',
    title: 'A security contact is registered',
    severity: 'low',
    service: 'account',
    resourceType: 'AwsAccount',
    description: 'The account has a SECURITY alternate contact (account get-alternate-contact).',
    risk: 'AWS security notifications go only to the root e-mail, which may not be watched.',
    remediation: { console: 'Account > Alternate contacts > Security > Edit.', cli: 'aws account put-alternate-contact --alternate-contact-type SECURITY --email-address ... --name ... --phone-number ... --title ...' },
    references: ['https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html'],
    compliance: { cis: cis('1.2'), fsbp: ['Account.1'] },
  },
  (snap, account) => getGlobal(snap, account, 'account-get-alternate-contact', 'SECURITY'),
  (got) => verdict(!got.ok || !got.data.AlternateContact?.EmailAddress, 'no security contact', 'security contact registered'),
);
