-- name: new-buckets
-- description: S3 buckets created, by whom, where
-- parameters: since, until
SELECT
  eventtime,
  recipientaccountid AS account,
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
  coalesce(json_extract_scalar(requestparameters, '$.CreateBucketConfiguration.LocationConstraint'), awsregion) AS bucket_region,
  coalesce(useridentity.arn, useridentity.principalid) AS created_by,
  sourceipaddress,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND eventsource = 's3.amazonaws.com'
  AND eventname = 'CreateBucket'
  AND errorcode IS NULL
ORDER BY eventtime, eventid
