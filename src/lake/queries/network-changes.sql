-- name: network-changes
-- description: Successful changes to security groups, network ACLs, routes, gateways, load balancer and RDS security groups (world_open when 0.0.0.0/0 or ::/0 is in the request)
-- parameters: since, until
-- The events of the CIS AWS Foundations metric filters for security group, NACL, gateway and route table changes,
-- plus the classic load balancer and RDS (EC2-Classic) security group calls.
SELECT
  eventtime,
  recipientaccountid AS account,
  awsregion,
  eventname,
  coalesce(useridentity.arn, useridentity.principalid) AS principal,
  coalesce(json_extract_scalar(requestparameters, '$.groupId'), json_extract_scalar(requestparameters, '$.networkAclId'),
    json_extract_scalar(requestparameters, '$.routeTableId'), json_extract_scalar(requestparameters, '$.internetGatewayId'),
    json_extract_scalar(requestparameters, '$.loadBalancerName'), json_extract_scalar(requestparameters, '$.loadBalancerArn'),
    json_extract_scalar(requestparameters, '$.dBSecurityGroupName'), json_extract_scalar(requestparameters, '$.groupName'),
    json_extract_scalar(requestparameters, '$.vpcId')) AS target,
  (strpos(CAST(requestparameters AS varchar), '0.0.0.0/0') > 0 OR strpos(CAST(requestparameters AS varchar), '::/0') > 0) AS world_open,
  sourceipaddress,
  eventid
FROM cloudtrail_logs
WHERE eventtime >= '{{since}}' AND eventtime <= '{{until}}'
  AND errorcode IS NULL
  AND (
    (eventsource = 'ec2.amazonaws.com' AND eventname IN (
      'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress',
      'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules',
      'CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
      'CreateRoute', 'ReplaceRoute', 'DeleteRoute', 'CreateRouteTable', 'DeleteRouteTable', 'ReplaceRouteTableAssociation',
      'DisassociateRouteTable',
      'CreateInternetGateway', 'AttachInternetGateway', 'DetachInternetGateway', 'DeleteInternetGateway',
      'CreateCustomerGateway', 'DeleteCustomerGateway', 'CreateVpcPeeringConnection', 'AcceptVpcPeeringConnection'))
    OR (eventsource = 'elasticloadbalancing.amazonaws.com' AND eventname IN ('ApplySecurityGroupsToLoadBalancer', 'SetSecurityGroups'))
    OR (eventsource = 'rds.amazonaws.com' AND eventname IN (
      'AuthorizeDBSecurityGroupIngress', 'CreateDBSecurityGroup', 'RevokeDBSecurityGroupIngress', 'DeleteDBSecurityGroup'))
  )
ORDER BY eventtime, eventid
