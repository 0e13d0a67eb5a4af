-- name: logging-tampering
-- description: Attempts to blind the defenders: CloudTrail stopped, deleted or changed; GuardDuty, Config, Security Hub, flow logs or DNS query logs disabled
-- parameters: since, until
-- Attempts that failed are listed too (errorcode says so): trying is itself the signal.
SELECT
  eventtime,
  recipientaccountid AS account,
  awsregion,
  eventsource,
  eventname,
  coalesce(useridentity.arn, useridentity.principalid, useridentity.type) AS principal,
  sourceipaddress,
  errorcode,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND (
    (eventsource = 'cloudtrail.amazonaws.com' AND eventname IN (
      'StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors',
      'DeleteEventDataStore', 'StopEventDataStoreIngestion'))
    OR (eventsource = 'guardduty.amazonaws.com' AND (
      eventname IN ('DeleteDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount',
        'DisassociateMembers', 'DeleteMembers', 'StopMonitoringMembers', 'DeletePublishingDestination')
      OR (eventname = 'UpdateDetector' AND json_extract_scalar(requestparameters, '$.enable') = 'false')))
    OR (eventsource = 'config.amazonaws.com' AND eventname IN (
      'StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel', 'DeleteConfigRule',
      'DeleteConfigurationAggregator'))
    OR (eventsource = 'securityhub.amazonaws.com' AND eventname IN (
      'DisableSecurityHub', 'BatchDisableStandards', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount'))
    OR (eventsource = 'ec2.amazonaws.com' AND eventname = 'DeleteFlowLogs')
    OR (eventsource = 'route53resolver.amazonaws.com' AND eventname IN (
      'DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'))
    -- Leaving the organization takes the account out of the organization trail and its guardrails.
    OR (eventsource = 'organizations.amazonaws.com' AND eventname = 'LeaveOrganization')
  )
ORDER BY eventtime, eventid
