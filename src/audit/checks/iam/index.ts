import type { Check } from '../../check.js';
import iam_account_security_contact from './iam_account_security_contact.js';
import iam_aws_managed_policy_admin from './iam_aws_managed_policy_admin.js';
import iam_cloudshell_access_restricted from './iam_cloudshell_access_restricted.js';
import iam_group_admin_name from './iam_group_admin_name.js';
import iam_no_deprecated_managed_policy from './iam_no_deprecated_managed_policy.js';
import iam_policy_bad_mfa from './iam_policy_bad_mfa.js';
import iam_policy_custom_admin from './iam_policy_custom_admin.js';
import iam_policy_lint from './iam_policy_lint.js';
import iam_policy_no_full_admin_attached from './iam_policy_no_full_admin_attached.js';
import iam_policy_no_notaction_allow from './iam_policy_no_notaction_allow.js';
import iam_policy_unexpected_format from './iam_policy_unexpected_format.js';
import iam_role_admin_service_trust from './iam_role_admin_service_trust.js';
import iam_role_cross_account_external_id from './iam_role_cross_account_external_id.js';
import iam_role_s3_exfil_service_trust from './iam_role_s3_exfil_service_trust.js';
import iam_role_trust_public from './iam_role_trust_public.js';
import iam_role_unused_90_days from './iam_role_unused_90_days.js';
import iam_root_access_key_absent from './iam_root_access_key_absent.js';
import iam_root_hardware_mfa_enabled from './iam_root_hardware_mfa_enabled.js';
import iam_root_mfa_enabled from './iam_root_mfa_enabled.js';
import iam_root_not_used_recently from './iam_root_not_used_recently.js';
import iam_server_certificate_not_expired from './iam_server_certificate_not_expired.js';
import iam_support_role_exists from './iam_support_role_exists.js';
import iam_user_access_key_never_used from './iam_user_access_key_never_used.js';
import iam_user_access_key_rotated_90_days from './iam_user_access_key_rotated_90_days.js';
import iam_user_access_key_unused_90_days from './iam_user_access_key_unused_90_days.js';
import iam_user_console_never_used from './iam_user_console_never_used.js';
import iam_user_console_unused_90_days from './iam_user_console_unused_90_days.js';
import iam_user_credentials_unused_45_days from './iam_user_credentials_unused_45_days.js';
import iam_user_mfa_enabled_console_access from './iam_user_mfa_enabled_console_access.js';
import iam_user_no_direct_policies from './iam_user_no_direct_policies.js';
import iam_user_no_initial_access_key from './iam_user_no_initial_access_key.js';
import iam_user_two_active_access_keys from './iam_user_two_active_access_keys.js';
import { PASSWORD_POLICY_CHECKS } from './password_policy.js';

export const IAM_CHECKS: Check[] = [
  iam_account_security_contact,
  iam_aws_managed_policy_admin,
  iam_cloudshell_access_restricted,
  iam_group_admin_name,
  iam_no_deprecated_managed_policy,
  iam_policy_bad_mfa,
  iam_policy_custom_admin,
  iam_policy_lint,
  iam_policy_no_full_admin_attached,
  iam_policy_no_notaction_allow,
  iam_policy_unexpected_format,
  iam_role_admin_service_trust,
  iam_role_cross_account_external_id,
  iam_role_s3_exfil_service_trust,
  iam_role_trust_public,
  iam_role_unused_90_days,
  iam_root_access_key_absent,
  iam_root_hardware_mfa_enabled,
  iam_root_mfa_enabled,
  iam_root_not_used_recently,
  iam_server_certificate_not_expired,
  iam_support_role_exists,
  iam_user_access_key_never_used,
  iam_user_access_key_rotated_90_days,
  iam_user_access_key_unused_90_days,
  iam_user_console_never_used,
  iam_user_console_unused_90_days,
  iam_user_credentials_unused_45_days,
  iam_user_mfa_enabled_console_access,
  iam_user_no_direct_policies,
  iam_user_no_initial_access_key,
  iam_user_two_active_access_keys,
  ...PASSWORD_POLICY_CHECKS,
];
