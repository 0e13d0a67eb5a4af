-- name: iam-changes
-- description: Successful IAM changes that grant access: users, login profiles, group membership, keys, roles and trust, policies attached, inlined or edited
-- parameters: since, until
-- The policy events are those of the CIS AWS Foundations "IAM policy changes" metric filter.
SELECT
  eventtime,
  recipientaccountid AS account,
  eventname,
  coalesce(useridentity.arn, useridentity.principalid) AS principal,
  coalesce(json_extract_scalar(requestparameters, '$.userName'), json_extract_scalar(requestparameters, '$.roleName'),
    json_extract_scalar(requestparameters, '$.groupName'), json_extract_scalar(requestparameters, '$.policyArn')) AS target,
  coalesce(json_extract_scalar(requestparameters, '$.policyArn'), json_extract_scalar(requestparameters, '$.policyName')) AS policy,
  sourceipaddress,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND eventsource = 'iam.amazonaws.com'
  AND errorcode IS NULL
  AND eventname IN (
    'CreateUser', 'CreateLoginProfile', 'UpdateLoginProfile', 'AddUserToGroup', 'CreateAccessKey',
    'CreateRole', 'UpdateAssumeRolePolicy',
    'AttachUserPolicy', 'AttachGroupPolicy', 'AttachRolePolicy', 'DetachUserPolicy', 'DetachGroupPolicy', 'DetachRolePolicy',
    'PutUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'DeleteUserPolicy', 'DeleteGroupPolicy', 'DeleteRolePolicy',
    'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion')
ORDER BY eventtime, eventid
