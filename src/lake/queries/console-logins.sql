-- name: console-logins
-- description: Console sign-ins (successful and failed) with who, from where and whether MFA was used
-- parameters: since, until
SELECT
  eventtime,
  recipientaccountid AS account,
  useridentity.type AS identity_type,
  coalesce(useridentity.arn, useridentity.username, useridentity.principalid) AS principal,
  sourceipaddress,
  json_extract_scalar(responseelements, '$.ConsoleLogin') AS outcome,
  json_extract_scalar(additionaleventdata, '$.MFAUsed') AS mfa_used,
  useragent,
  errormessage,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND eventsource = 'signin.amazonaws.com'
  AND eventname = 'ConsoleLogin'
ORDER BY eventtime, eventid
