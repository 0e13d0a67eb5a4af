-- name: unauthorized-calls
-- description: Calls refused with AccessDenied* or *UnauthorizedOperation, per principal (a burst is reconnaissance or a broken deployment)
-- parameters: since, until
-- The error codes are those of the CIS AWS Foundations "unauthorized API calls" metric filter. A role's sessions
-- count as the role (its session names are counted in `sessions`).
SELECT
  recipientaccountid AS account,
  coalesce(useridentity.sessioncontext.sessionissuer.arn, useridentity.arn, useridentity.principalid, useridentity.type) AS principal,
  array_join(array_sort(array_agg(DISTINCT useridentity.type)), ',') AS identity_types,
  count(*) AS calls,
  count(DISTINCT eventname) AS apis,
  count(DISTINCT eventsource) AS services,
  count(DISTINCT sourceipaddress) AS source_ips,
  count(DISTINCT useridentity.arn) AS sessions,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND (errorcode LIKE 'AccessDenied%' OR errorcode LIKE '%UnauthorizedOperation')
GROUP BY 1, 2
ORDER BY calls DESC, account, principal
