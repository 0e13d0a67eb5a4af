-- name: access-keys-created
-- description: New IAM access keys: who created a key for whom (a key made for another user is a classic persistence step)
-- parameters: since, until
SELECT
  eventtime,
  recipientaccountid AS account,
  coalesce(useridentity.arn, useridentity.principalid) AS created_by,
  coalesce(json_extract_scalar(responseelements, '$.accessKey.userName'), json_extract_scalar(requestparameters, '$.userName'), useridentity.username) AS for_user,
  json_extract_scalar(responseelements, '$.accessKey.accessKeyId') AS access_key_id,
  sourceipaddress,
  useragent,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND eventsource = 'iam.amazonaws.com'
  AND eventname = 'CreateAccessKey'
  AND errorcode IS NULL
ORDER BY eventtime, eventid
