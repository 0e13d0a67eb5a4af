-- name: top-principals
-- description: The 25 most active principals: events, APIs, services, source IPs, errors, first and last seen
-- parameters: since, until
-- A role's sessions count as the role; AWS services acting on their own are named by the service.
SELECT
  coalesce(useridentity.sessioncontext.sessionissuer.arn, useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  array_join(array_sort(array_agg(DISTINCT useridentity.type)), ',') AS identity_types,
  count(*) AS events,
  count(DISTINCT eventname) AS apis,
  count(DISTINCT eventsource) AS services,
  count(DISTINCT sourceipaddress) AS source_ips,
  count(DISTINCT recipientaccountid) AS accounts,
  sum(CASE WHEN errorcode IS NOT NULL THEN 1 ELSE 0 END) AS errors,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
GROUP BY 1
ORDER BY events DESC, principal
LIMIT 25
