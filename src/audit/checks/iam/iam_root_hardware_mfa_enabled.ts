import { cis } from '../../lib/define.js';
import { verdict } from '../../lib/factories.js';
import { arr, getGlobal } from '../../lib/snapshot.js';
import { rootCheck } from './root.js';

export default rootCheck(
  {
    id: 'iam_root_hardware_mfa_enabled',
    title: 'The root user has a hardware MFA device',
    severity: 'high',
    service: 'iam',
    resourceType: 'AwsAccount',
    description: 'Root MFA is enabled and no virtual MFA device is assigned to root (iam-list-virtual-mfa-devices).',
    risk: 'A virtual MFA lives on a phone that can be lost, cloned or compromised with its owner.',
    remediation: { console: 'Sign in as root > Security credentials > Assign a hardware TOTP or FIDO security key.' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html'],
    compliance: { cis: cis('1.6'), fsbp: ['IAM.6'] },
  },
  (f, snap, account) => {
    if (f.mfa === false) return { bad: true, reason: 'root has no MFA at all' };
    const devices = getGlobal(snap, account, 'iam-list-virtual-mfa-devices');
    if (f.mfa === undefined || !devices.ok) return { unknown: [f.missing, devices.ok ? '' : devices.reason].filter(Boolean).join('; ') };
    const virtual = arr(devices.data.VirtualMFADevices).some(
      (d) => /:mfa\/root-account-mfa-device$/.test(d.SerialNumber ?? '') || /:root$/.test(d.User?.Arn ?? ''),
    );
    return verdict(virtual, 'root MFA is a virtual device', 'root MFA is a hardware device');
  },
);
