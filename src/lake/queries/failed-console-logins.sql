-- name: failed-console-logins
-- description: Failed console sign-ins (wrong password, wrong MFA code, unknown user), newest last
-- parameters: since, until
SELECT
  eventtime,
  recipientaccountid AS account,
  useridentity.type AS identity_type,
  coalesce(useridentity.arn, useridentity.username, useridentity.principalid) AS principal,
  sourceipaddress,
  errormessage,
  useragent,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND eventsource = 'signin.amazonaws.com'
  AND eventname = 'ConsoleLogin'
  AND (json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure' OR errormessage IS NOT NULL)
ORDER BY eventtime, eventid
