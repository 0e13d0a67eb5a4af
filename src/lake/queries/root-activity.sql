-- name: root-activity
-- description: Everything the root user did (sign-ins, API calls), except what AWS services did on its behalf
-- parameters: since, until
-- Root should almost never act (CIS AWS Foundations 1.7 and the root-usage metric filter, whose predicate this is).
SELECT
  eventtime,
  recipientaccountid AS account,
  awsregion,
  eventsource,
  eventname,
  sourceipaddress,
  useragent,
  errorcode,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND useridentity.type = 'Root'
  AND useridentity.invokedby IS NULL
  AND coalesce(eventtype, '') <> 'AwsServiceEvent'
ORDER BY eventtime, eventid
