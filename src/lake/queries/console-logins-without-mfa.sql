-- name: console-logins-without-mfa
-- description: Successful console sign-ins of IAM users and root without MFA (SSO/SAML sessions excluded: their MFA happens at the identity provider)
-- parameters: since, until
-- CloudTrail writes MFAUsed "No" for every federated sign-in (IAM Identity Center, SAML, custom brokers: identity
-- type AssumedRole or FederatedUser) because the MFA, if any, happened at the identity provider, so only IAMUser and
-- Root sign-ins are judged here (as in the CIS AWS Foundations metric filter for sign-ins without MFA).
SELECT
  eventtime,
  recipientaccountid AS account,
  useridentity.type AS identity_type,
  coalesce(useridentity.arn, useridentity.username, useridentity.principalid) AS principal,
  sourceipaddress,
  json_extract_scalar(additionaleventdata, '$.MFAUsed') AS mfa_used,
  useragent,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND eventsource = 'signin.amazonaws.com'
  AND eventname = 'ConsoleLogin'
  AND useridentity.type IN ('IAMUser', 'Root')
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
  AND coalesce(json_extract_scalar(additionaleventdata, '$.MFAUsed'), 'No') <> 'Yes'
ORDER BY eventtime, eventid
